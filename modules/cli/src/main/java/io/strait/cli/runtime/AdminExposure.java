package io.strait.cli.runtime;

import java.util.Set;

/**
 * Which admin paths answer callers that are not on this host's loopback, when the admin port listens on more than
 * loopback ({@code --admin-bind}, as a pod must for kubelet probes and Prometheus scrapes).
 *
 * <p>Only what is harmless or authenticated on its own is served to them: the probes, the metrics, and the git
 * webhook (each delivery carries a signature over its body). The endpoints that change state or issue credentials
 * ({@code /apply}, {@code /delete}, {@code /ca/token}, {@code /rollouts/…}) and the reads that cost a bus scan
 * ({@code /status}, {@code /revisions}, {@code /config}) stay loopback-only, whatever the admin token: the token
 * sits in the data dir of the same host, so a loopback caller is one who could read it anyway
 * ({@code kubectl port-forward} and {@code kubectl exec} arrive on loopback). Fails closed: a path not listed
 * here is loopback-only.
 */
public final class AdminExposure {
    /** Paths served to any caller. */
    static final Set<String> REMOTE_PATHS = Set.of("/healthz", "/readyz", "/metrics",
            io.strait.cli.runtime.webhook.WebhookEndpoint.PATH);

    private AdminExposure() {
    }

    /** Whether a request for {@code path} from {@code remoteIsLoopback} (or not) may be answered. */
    public static boolean allows(String path, boolean remoteIsLoopback) {
        return remoteIsLoopback || REMOTE_PATHS.contains(path);
    }

    /**
     * Whether a peer's textual address is loopback (127.0.0.0/8, ::1, or 127.x mapped into IPv6), read from the
     * text alone: no resolver on the request path.
     */
    static boolean isLoopback(String hostAddress) {
        if (hostAddress == null) {
            return false;
        }
        String a = hostAddress.toLowerCase(java.util.Locale.ROOT);
        if (a.startsWith("::ffff:")) {
            a = a.substring("::ffff:".length());
        }
        return a.startsWith("127.") || a.equals("::1") || a.equals("0:0:0:0:0:0:0:1");
    }

    /** The refusal a remote caller of a loopback-only path gets. */
    static String refusal(String path) {
        return path + " answers only callers on this host's loopback; use `kubectl port-forward` (or run the command "
                + "in the pod) to reach it\n";
    }
}
