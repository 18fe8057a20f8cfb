package io.strait.ca.role;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.strait.ca.auth.KubernetesTokenReviewer;
import io.strait.ca.auth.TokenReviewCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Istio's {@code istio-ca-root-cert} ConfigMap in every namespace of every cluster the CA reviews tokens of, as istiod's
 * namespace controller writes it: the PEM of every root the CA trusts (its trust bundle: both roots during a
 * rotation), under {@code root-cert.pem}, labelled {@code istio.io/config: "true"}. Workloads mount it as
 * {@code /var/run/secrets/istio/root-cert.pem} to trust the CA by ({@code strait agent --ca-root-file}).
 *
 * <p>One {@link ClusterRootCerts} per cluster, each with its own informers and worker thread, so a cluster that cannot
 * be reached, refuses the CA's account, or has an unusable kubeconfig is logged and never holds up the others or the
 * CA. The CA role calls {@link #update} whenever its trusted roots change.
 */
public final class RootCertPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RootCertPublisher.class);
    /** How long one request to an API server may take. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @param debounce     how long after an event the dirty namespaces are reconciled (bursts become one pass)
     * @param rewriteEvery the least time between two writes of one namespace's ConfigMap: while CA replicas disagree
     *                     on the roots (one reloaded a rotated CA, another not yet) they would otherwise undo each
     *                     other's writes as fast as the watches deliver them
     * @param resync       how often every namespace is reconciled anyway (repairs failed writes)
     */
    public record Timing(Duration debounce, Duration rewriteEvery, Duration resync) {
        public static final Timing DEFAULT = new Timing(Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofMinutes(1));
    }

    private final List<ClusterRootCerts> clusters;

    private RootCertPublisher(List<ClusterRootCerts> clusters) {
        this.clusters = List.copyOf(clusters);
    }

    /**
     * Starts writing {@code rootsPem} into {@code clusters}; returns at once. A cluster whose client cannot be
     * configured is logged and left out.
     */
    public static RootCertPublisher start(List<TokenReviewCluster> clusters, String rootsPem, Timing timing) {
        List<ClusterRootCerts> started = new ArrayList<>();
        for (TokenReviewCluster c : clusters) {
            Config config;
            try {
                config = new ConfigBuilder(KubernetesTokenReviewer.config(c, REQUEST_TIMEOUT)).withWatchReconnectInterval(1000).build();
            } catch (RuntimeException e) {
                LOG.error("cluster {}: not writing ConfigMap {}: {}", c.clusterId(), RootCertConfigMaps.NAME, ClusterRootCerts.oneLine(e));
                continue;
            }
            started.add(new ClusterRootCerts(c.clusterId(), config, rootsPem, timing).start());
            LOG.info("writing ConfigMap {} into every namespace of cluster {} ({})", RootCertConfigMaps.NAME, c.clusterId(),
                    c.inCluster() ? "the in-cluster config" : c.kubeconfig());
        }
        return new RootCertPublisher(started);
    }

    /** The clusters being written to (those whose client could be configured). */
    public List<String> clusterIds() {
        return clusters.stream().map(ClusterRootCerts::clusterId).toList();
    }

    /** The trusted roots changed: every namespace of every cluster gets {@code rootsPem}. */
    public void update(String rootsPem) {
        clusters.forEach(c -> c.update(rootsPem));
    }

    @Override
    public void close() {
        clusters.forEach(ClusterRootCerts::close);
    }
}
