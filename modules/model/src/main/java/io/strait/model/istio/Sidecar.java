package io.strait.model.istio;

import java.util.List;
import java.util.Map;

/**
 * {@code networking.istio.io/Sidecar}: which services the workloads it selects can reach — and so which config
 * their proxies receive. The record carries the egress hosts the translator applies; the rest is reported as not
 * translated yet.
 */
public record Sidecar(LabelSelector workloadSelector, List<EgressListener> egress) implements Spec {
    public Sidecar {
        egress = Lists.copy(egress);
    }

    /** The workloads a Sidecar applies to; none means every workload of its namespace. */
    public record LabelSelector(Map<String, String> labels) {
        public LabelSelector {
            labels = Lists.copy(labels);
        }
    }

    /** Hosts the workloads reach, as {@code namespace/dnsName} ({@code ./*}, {@code istio-system/*}, {@code *}/…). */
    public record EgressListener(List<String> hosts) {
        public EgressListener {
            hosts = Lists.copy(hosts);
        }
    }
}
