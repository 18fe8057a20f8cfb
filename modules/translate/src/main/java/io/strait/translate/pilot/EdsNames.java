package io.strait.translate.pilot;

/**
 * The names assignments are served by.
 *
 * <p>A proxy whose namespace resolves a host's DestinationRule otherwise than a namespace no rule names (a rule of its
 * own namespace for another's service, one exported to it alone, one selecting its workload: see
 * {@link io.strait.model.mesh.DestinationRules}) may see other subset labels under the same cluster name, so its
 * assignments of that host carry the rule it resolved as a third part, {@code <cluster>~<network>~<rule>} (the
 * rule's {@code namespace/name}, or {@code none}); the translator computes an assignment served by name from that
 * part alone. Every other proxy names the cluster's assignment as before.
 *
 * <p>The rest, as it was: EDS is served by name and shared by every scope that names a cluster; with
 * split-horizon EDS an assignment depends on the caller's network, so in a multi-network mesh a scope in network
 * {@code N} names {@code <cluster>~N} ({@code eds_cluster_config.service_name} and the assignment's
 * {@code cluster_name}), shared by every scope of that network. In a mesh with one network, and for proxies that
 * give no network, the name is the cluster's own, as before. {@code ~} cannot occur in a cluster name (hosts and
 * subsets are DNS names), so the first one separates the two parts; Envoy and gRPC take any string here.
 */
public final class EdsNames {
    static final char SEPARATOR = '~';

    private EdsNames() {
    }

    /** The rule part of a proxy that resolved no DestinationRule where a namespace no rule names resolves one. */
    static final String NO_RULE = "none";

    /** The assignment name of a cluster for callers in {@code network} ("" when networks change nothing). */
    public static String of(String cluster, String network) {
        return network == null || network.isEmpty() ? cluster : cluster + SEPARATOR + network;
    }

    /** The assignment name of a cluster for callers in {@code network} who resolved {@code rule} ("": as everyone). */
    static String of(String cluster, String network, String rule) {
        if (rule == null || rule.isEmpty()) {
            return of(cluster, network);
        }
        return cluster + SEPARATOR + (network == null ? "" : network) + SEPARATOR + rule;
    }

    /**
     * The rule part for a host's assignments as {@code view} resolves it: "" when it resolves the rule a namespace no
     * rule names resolves, else that rule's id or {@link #NO_RULE}.
     */
    static String ruleOf(io.strait.model.mesh.MeshModel model, io.strait.model.mesh.DestinationRules.View view, String host) {
        if (view.isShared()) {
            return "";
        }
        var mine = view.forHost(host).orElse(null);
        var everyone = model.destinationRules().shared().forHost(host).orElse(null);
        return mine == everyone ? "" : mine == null ? NO_RULE : mine.id();
    }

    /** The rule part of an assignment name ("" when it has none). */
    static String ruleOf(String edsName) {
        int first = edsName.indexOf(SEPARATOR);
        int second = first < 0 ? -1 : edsName.indexOf(SEPARATOR, first + 1);
        return second < 0 ? "" : edsName.substring(second + 1);
    }

    /** The cluster an assignment name is for. */
    public static String clusterOf(String edsName) {
        int at = edsName.indexOf(SEPARATOR);
        return at < 0 ? edsName : edsName.substring(0, at);
    }

    /** The callers' network an assignment name is for ("" when none). */
    public static String networkOf(String edsName) {
        int at = edsName.indexOf(SEPARATOR);
        if (at < 0) {
            return "";
        }
        int rule = edsName.indexOf(SEPARATOR, at + 1);
        return rule < 0 ? edsName.substring(at + 1) : edsName.substring(at + 1, rule);
    }
}
