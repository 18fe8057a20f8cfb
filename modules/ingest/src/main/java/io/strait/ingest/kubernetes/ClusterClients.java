package io.strait.ingest.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;

/**
 * The fabric8 client of one cluster, from its kubeconfig file or the pod's in-cluster config. A kubeconfig that
 * does not parse, or that names no API server, is refused with one line naming the file; requests are not retried
 * for long (the source has its own probe and resync), so an unreachable server is noticed in seconds.
 */
public final class ClusterClients {
    private ClusterClients() {
    }

    /**
     * The client's configuration.
     *
     * @throws IllegalArgumentException naming the kubeconfig and what is wrong with it
     */
    public static Config config(KubernetesClusterOptions options) {
        Config base;
        if (options.inCluster()) {
            base = Config.autoConfigure(null);
        } else {
            String text;
            try {
                text = Files.readString(options.kubeconfig());
            } catch (IOException e) {
                throw new IllegalArgumentException("--kubernetes cluster=" + options.cluster() + ": cannot read kubeconfig "
                        + options.kubeconfig() + " (" + e.getMessage() + ")");
            }
            if (text.isBlank() || !text.contains("clusters")) {
                throw new IllegalArgumentException("--kubernetes cluster=" + options.cluster() + ": kubeconfig " + options.kubeconfig()
                        + " has no clusters: it is not a kubeconfig (kubectl config view --minify --raw writes one)");
            }
            try {
                base = Config.fromKubeconfig(text);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--kubernetes cluster=" + options.cluster() + ": kubeconfig " + options.kubeconfig()
                        + " cannot be read as a kubeconfig (" + oneLine(e) + ")");
            }
            if (base.getMasterUrl() == null || base.getMasterUrl().isBlank()) {
                throw new IllegalArgumentException("--kubernetes cluster=" + options.cluster() + ": kubeconfig " + options.kubeconfig()
                        + " names no API server for its current context (clusters[].cluster.server)");
            }
        }
        return new ConfigBuilder(base)
                .withRequestRetryBackoffLimit(1)
                .withRequestRetryBackoffInterval(200)
                .withConnectionTimeout(3000)
                .withRequestTimeout(10_000)
                .withWatchReconnectInterval(500)
                .build();
    }

    /** A client for the cluster; it connects lazily, so this does not fail for an unreachable server. */
    public static KubernetesClient client(KubernetesClusterOptions options) {
        return new KubernetesClientBuilder().withConfig(config(options)).build();
    }

    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        text = text.replace('\n', ' ').replace('\r', ' ');
        return text.length() > 240 ? text.substring(0, 240) + "…" : text;
    }
}
