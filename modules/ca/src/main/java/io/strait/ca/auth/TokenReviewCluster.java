package io.strait.ca.auth;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A cluster whose API server reviews the service-account tokens of its workloads: one
 * {@code --kubernetes-tokens kubeconfig=PATH,cluster=ID[,audience=AUD]} flag.
 *
 * @param clusterId  the id workloads of that cluster send as {@code clusterid} (Istio's CLUSTER_ID)
 * @param kubeconfig the kubeconfig of the CA's client there; null for the in-cluster config (the pod's own service
 *                   account, {@code kubeconfig=in-cluster})
 * @param audiences  the audiences a token must have been issued for; Istio's {@code istio-ca} by default
 */
public record TokenReviewCluster(String clusterId, Path kubeconfig, List<String> audiences) {
    /** The audience Istio's agent asks the kubelet for (its {@code istio-token} projected volume). */
    public static final String ISTIO_AUDIENCE = "istio-ca";
    /** The {@code kubeconfig=} value that selects the in-cluster config. */
    public static final String IN_CLUSTER = "in-cluster";
    private static final String FORMAT = "kubeconfig=PATH|in-cluster,cluster=ID[,audience=AUD]";

    public TokenReviewCluster {
        if (clusterId == null || clusterId.isBlank()) {
            throw new IllegalArgumentException("--kubernetes-tokens needs cluster=ID (" + FORMAT + ")");
        }
        audiences = audiences == null || audiences.isEmpty() ? List.of(ISTIO_AUDIENCE) : List.copyOf(audiences);
    }

    /** Whether the CA reaches this cluster with the config of the pod it runs in. */
    public boolean inCluster() {
        return kubeconfig == null;
    }

    /**
     * Parses one flag value.
     *
     * @throws IllegalArgumentException naming the key that is wrong and the expected form
     */
    public static TokenReviewCluster parse(String spec) {
        String kubeconfig = null;
        String cluster = null;
        List<String> audiences = new ArrayList<>();
        for (String part : spec.split(",", -1)) {
            int eq = part.indexOf('=');
            String key = eq < 0 ? part.strip() : part.substring(0, eq).strip();
            String value = eq < 0 ? "" : part.substring(eq + 1).strip();
            if (value.isEmpty()) {
                throw new IllegalArgumentException("--kubernetes-tokens " + spec + ": \"" + part + "\" is not key=value (" + FORMAT + ")");
            }
            switch (key) {
                case "kubeconfig" -> kubeconfig = once(spec, key, kubeconfig, value);
                case "cluster" -> cluster = once(spec, key, cluster, value);
                case "audience" -> audiences.add(value);
                default -> throw new IllegalArgumentException("--kubernetes-tokens " + spec + ": unknown key \"" + key + "\" (" + FORMAT + ")");
            }
        }
        if (kubeconfig == null) {
            throw new IllegalArgumentException("--kubernetes-tokens " + spec + " needs kubeconfig=PATH, or kubeconfig=in-cluster in a pod ("
                    + FORMAT + ")");
        }
        return new TokenReviewCluster(cluster, IN_CLUSTER.equals(kubeconfig) ? null : Path.of(kubeconfig), audiences);
    }

    /** Checks a node's clusters: at least one, and no cluster id twice. */
    public static List<TokenReviewCluster> distinct(List<TokenReviewCluster> clusters) {
        Set<String> seen = new LinkedHashSet<>();
        for (TokenReviewCluster c : clusters) {
            if (!seen.add(c.clusterId())) {
                throw new IllegalArgumentException("--kubernetes-tokens names cluster " + c.clusterId() + " twice; give each cluster one flag");
            }
        }
        return List.copyOf(clusters);
    }

    private static String once(String spec, String key, String previous, String value) {
        if (previous != null) {
            throw new IllegalArgumentException("--kubernetes-tokens " + spec + " gives " + key + "= twice");
        }
        return value;
    }
}
