package io.strait.model.istio;

import java.util.List;

/**
 * {@code networking.istio.io/Sidecar}: which services the workloads it selects can reach — and so which config
 * their proxies receive. The record carries the egress hosts the translator applies; the rest is reported as not
 * translated yet. No {@code workloadSelector} means every workload of its namespace.
 */
public record Sidecar(LabelSelector workloadSelector, List<EgressListener> egress,
                      OutboundTrafficPolicy outboundTrafficPolicy) implements Spec {
    public Sidecar {
        egress = Lists.copy(egress);
    }

    /** Hosts the workloads reach, as {@code namespace/dnsName} ({@code ./*}, {@code istio-system/*}, {@code *}/…). */
    public record EgressListener(List<String> hosts) {
        public EgressListener {
            hosts = Lists.copy(hosts);
        }
    }

    /** Where traffic to hosts outside the registry goes: {@code ALLOW_ANY} passes it through, {@code REGISTRY_ONLY} drops it. */
    public record OutboundTrafficPolicy(String mode) {
        /** Whether unknown destinations are blocked. */
        public boolean registryOnly() {
            return "REGISTRY_ONLY".equals(mode);
        }
    }
}
