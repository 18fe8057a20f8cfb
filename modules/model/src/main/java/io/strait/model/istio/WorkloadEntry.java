package io.strait.model.istio;

import java.util.Map;

/**
 * {@code networking.istio.io/WorkloadEntry}: one workload outside Kubernetes (a VM), which a ServiceEntry with a
 * matching {@code workloadSelector} takes as an endpoint; its {@code serviceAccount} is its mTLS identity, its
 * {@code network} the network it is reachable in (empty: the same network as every proxy).
 */
public record WorkloadEntry(String address, Map<String, Integer> ports, Map<String, String> labels, String locality,
                            Integer weight, String serviceAccount, String network) implements Spec {
    public WorkloadEntry {
        ports = Lists.copy(ports);
        labels = Lists.copy(labels);
    }

    /** The same workload as an inline ServiceEntry endpoint. */
    public ServiceEntry.WorkloadEntry asEndpoint() {
        return new ServiceEntry.WorkloadEntry(address, ports, labels, locality, weight, serviceAccount, network);
    }
}
