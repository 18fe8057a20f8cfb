package io.strait.model.istio;

import java.util.List;

/**
 * {@code networking.istio.io/Sidecar}: which services the workloads it selects can reach — and so which config
 * their proxies receive. The record carries the egress hosts the translator applies; the rest is reported as not
 * translated yet. No {@code workloadSelector} means every workload of its namespace.
 */
public record Sidecar(LabelSelector workloadSelector, List<IngressListener> ingress, List<EgressListener> egress,
                      OutboundTrafficPolicy outboundTrafficPolicy) implements Spec {
    public Sidecar {
        ingress = Lists.copy(ingress);
        egress = Lists.copy(egress);
    }

    /**
     * A port the workload accepts traffic on, replacing the ports its services declare: traffic arriving on
     * {@code port} goes to {@code defaultEndpoint} ({@code 127.0.0.1:<port>}, {@code 0.0.0.0:<port>} or
     * {@code unix:///<path>}).
     */
    public record IngressListener(ServiceEntry.ServicePort port, String defaultEndpoint) {
    }

    /** Hosts the workloads reach, as {@code namespace/dnsName} ({@code ./*}, {@code istio-system/*}, {@code *}/…). */
    public record EgressListener(List<String> hosts) {
        public EgressListener {
            hosts = Lists.copy(hosts);
        }
    }

    /** Where traffic to hosts outside the registry goes: {@code ALLOW_ANY} passes it through, {@code REGISTRY_ONLY} drops it. */
    public record OutboundTrafficPolicy(String mode) {
        /** Whether unknown destinations are blocked: REGISTRY_ONLY, or no mode (the proto's zero value, as Istio reads it). */
        public boolean registryOnly() {
            return mode == null || "REGISTRY_ONLY".equals(mode);
        }
    }
}
