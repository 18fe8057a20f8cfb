package io.strait.model.istio;

import java.util.List;
import java.util.Map;

/**
 * {@code networking.istio.io/ServiceEntry}: a service and, for STATIC resolution, its endpoints — listed inline, or
 * the WorkloadEntries of its namespace that {@code workloadSelector} picks.
 */
public record ServiceEntry(List<String> hosts, List<ServicePort> ports, String location, String resolution,
                           List<WorkloadEntry> endpoints, List<String> exportTo, LabelSelector workloadSelector) implements Spec {
    public ServiceEntry {
        hosts = Lists.copy(hosts);
        ports = Lists.copy(ports);
        endpoints = Lists.copy(endpoints);
        exportTo = Lists.copy(exportTo);
    }

    /** A port of the service; {@code targetPort} is where endpoints listen when they do not say. */
    public record ServicePort(Integer number, String protocol, String name, Integer targetPort) {
    }

    /** One endpoint: an address, per-port-name overrides of the port, labels, locality and weight. */
    public record WorkloadEntry(String address, Map<String, Integer> ports, Map<String, String> labels, String locality,
                                Integer weight) {
        public WorkloadEntry {
            ports = Lists.copy(ports);
            labels = Lists.copy(labels);
        }
    }
}
