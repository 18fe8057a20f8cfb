package io.strait.model.istio;

import java.util.List;
import java.util.Map;

/**
 * {@code networking.istio.io/ServiceEntry}: a service and, for STATIC resolution, its endpoints — listed inline, or
 * the WorkloadEntries of its namespace that {@code workloadSelector} picks. {@code subjectAltNames}, when set, are the
 * identities its workloads' certificates must carry, instead of their service accounts'.
 */
public record ServiceEntry(List<String> hosts, List<String> addresses, List<ServicePort> ports, String location, String resolution,
                           List<WorkloadEntry> endpoints, List<String> exportTo, LabelSelector workloadSelector,
                           List<String> subjectAltNames) implements Spec {
    public ServiceEntry {
        hosts = Lists.copy(hosts);
        addresses = Lists.copy(addresses);
        ports = Lists.copy(ports);
        endpoints = Lists.copy(endpoints);
        exportTo = Lists.copy(exportTo);
        subjectAltNames = Lists.copy(subjectAltNames);
    }

    /** A port of the service; {@code targetPort} is where endpoints listen when they do not say. */
    public record ServicePort(Integer number, String protocol, String name, Integer targetPort) {
        /**
         * The port's protocol as Istio reads it, upper case: declared, else its name's prefix ({@code http-web} →
         * HTTP, {@code grpc} → GRPC), else "" (undeclared).
         */
        public String declaredProtocol() {
            String p = protocol;
            if (p == null && name != null) {
                p = name.contains("-") ? name.substring(0, name.indexOf('-')) : name;
            }
            return p == null ? "" : p.toUpperCase(java.util.Locale.ROOT);
        }

        /**
         * Whether the port carries HTTP (HTTP, HTTP2, gRPC, gRPC-Web) by {@link #declaredProtocol}. Ports that
         * declare none are taken as HTTP, where Istio would sniff the protocol.
         */
        public boolean isHttp() {
            return switch (declaredProtocol()) {
                case "TCP", "TLS", "HTTPS", "MONGO", "MYSQL", "REDIS", "UDP" -> false;
                default -> true;
            };
        }

        /** Whether the port carries TLS the proxy routes by SNI without terminating it (TLS, HTTPS). */
        public boolean isTls() {
            return declaredProtocol().equals("TLS") || declaredProtocol().equals("HTTPS");
        }

        /** Where endpoints listen when they do not say: {@code targetPort}, else the port number. */
        public int endpointPort() {
            return targetPort != null ? targetPort : number;
        }
    }

    /**
     * One endpoint: an address, per-port-name overrides of the port, labels, locality, weight, and the service
     * account it runs as (its identity {@code spiffe://<trustDomain>/ns/<ns>/sa/<sa>}; {@code default} when unset),
     * and the network it is reachable in (Istio's {@code network}; empty or null: every proxy's own network).
     */
    public record WorkloadEntry(String address, Map<String, Integer> ports, Map<String, String> labels, String locality,
                                Integer weight, String serviceAccount, String network) {
        public WorkloadEntry {
            ports = Lists.copy(ports);
            labels = Lists.copy(labels);
        }
    }
}
