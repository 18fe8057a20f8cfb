package io.strait.model.istio;

import java.util.Map;

/**
 * {@code security.istio.io/PeerAuthentication}: whether the workloads it applies to accept plain text, mutual TLS,
 * or both. Without a {@code selector} it applies to its namespace (to the whole mesh in the MeshConfig's root
 * namespace); with one, to the workloads of its namespace whose labels match, where {@code portLevelMtls} may set a
 * mode per workload port (keyed by the port number as written; validation refuses keys that are not ports). How several compose is the translator's (Istio's ComposePeerAuthentication).
 */
public record PeerAuthentication(WorkloadSelector selector, MutualTls mtls, Map<String, MutualTls> portLevelMtls) implements Spec {
    public PeerAuthentication {
        portLevelMtls = Lists.copy(portLevelMtls);
    }

    /** The mode of {@code mtls}, or UNSET (inherit) when it says none. */
    public String modeOrUnset() {
        return mtls == null || mtls.mode() == null ? MutualTls.UNSET : mtls.mode();
    }

    /** Whether the policy applies to whole namespaces (no selector, or one without labels). */
    public boolean namespaceWide() {
        return selector == null || selector.matchLabels().isEmpty();
    }

    /** {@code selector}: the workloads of the policy's namespace whose labels include {@code matchLabels}. */
    public record WorkloadSelector(Map<String, String> matchLabels) {
        public WorkloadSelector {
            matchLabels = Lists.copy(matchLabels);
        }

        public boolean matches(Map<String, String> labels) {
            return labels.entrySet().containsAll(matchLabels.entrySet());
        }
    }

    /** {@code mtls}: STRICT, PERMISSIVE, DISABLE, or UNSET (or none) to inherit from the enclosing policy. */
    public record MutualTls(String mode) {
        public static final String UNSET = "UNSET";
    }
}
