package io.strait.translate.pilot;

/**
 * The names assignments are served by. EDS is served by name and shared by every scope that names a cluster; with
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

    /** The assignment name of a cluster for callers in {@code network} ("" when networks change nothing). */
    public static String of(String cluster, String network) {
        return network == null || network.isEmpty() ? cluster : cluster + SEPARATOR + network;
    }

    /** The cluster an assignment name is for. */
    public static String clusterOf(String edsName) {
        int at = edsName.indexOf(SEPARATOR);
        return at < 0 ? edsName : edsName.substring(0, at);
    }

    /** The callers' network an assignment name is for ("" when none). */
    public static String networkOf(String edsName) {
        int at = edsName.indexOf(SEPARATOR);
        return at < 0 ? "" : edsName.substring(at + 1);
    }
}
