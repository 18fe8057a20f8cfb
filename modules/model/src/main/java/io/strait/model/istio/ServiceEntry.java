package io.strait.model.istio;

import java.util.List;
import java.util.Map;

/**
 * {@code networking.istio.io/ServiceEntry}: a service and, for STATIC resolution, its endpoints — listed inline, or
 * the WorkloadEntries of its namespace that {@code workloadSelector} picks.
 */
public record ServiceEntry(List<String> hosts, List<String> addresses, List<ServicePort> ports, String location, String resolution,
                           List<WorkloadEntry> endpoints, List<String> exportTo, LabelSelector workloadSelector) implements Spec {
    public ServiceEntry {
        hosts = Lists.copy(hosts);
        addresses = Lists.copy(addresses);
        ports = Lists.copy(ports);
        endpoints = Lists.copy(endpoints);
        exportTo = Lists.copy(exportTo);
    }

    /** A port of the service; {@code targetPort} is where endpoints listen when they do not say. */
    public record ServicePort(Integer number, String protocol, String name, Integer targetPort) {
        /**
         * Whether the port carries HTTP (HTTP, HTTP2, gRPC, gRPC-Web): by its protocol, else by its name's prefix
         * ({@code http-web}, {@code grpc}), as Istio reads it. Ports that say neither are taken as HTTP, where Istio
         * would sniff the protocol.
         */
        public boolean isHttp() {
            String p = protocol;
            if (p == null && name != null) {
                p = name.contains("-") ? name.substring(0, name.indexOf('-')) : name;
            }
            if (p == null) {
                return true;
            }
            return switch (p.toUpperCase(java.util.Locale.ROOT)) {
                case "TCP", "TLS", "HTTPS", "MONGO", "MYSQL", "REDIS", "UDP" -> false;
                default -> true;
            };
        }

        /** Whether the port carries TLS the proxy routes by SNI without terminating it (TLS, HTTPS). */
        public boolean isTls() {
            String p = protocol;
            if (p == null && name != null) {
                p = name.contains("-") ? name.substring(0, name.indexOf('-')) : name;
            }
            return p != null && (p.equalsIgnoreCase("TLS") || p.equalsIgnoreCase("HTTPS"));
        }

        /** Where endpoints listen when they do not say: {@code targetPort}, else the port number. */
        public int endpointPort() {
            return targetPort != null ? targetPort : number;
        }
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
