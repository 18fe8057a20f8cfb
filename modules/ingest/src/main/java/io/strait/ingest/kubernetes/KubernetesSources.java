package io.strait.ingest.kubernetes;

import io.strait.bus.kafka.BusConfig;
import io.strait.ingest.analyze.AnalysisInput;
import io.strait.ingest.source.RevisionPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code --kubernetes} cluster of a node: its registry source, and its config source when {@code config=true}.
 * Each cluster starts and fails on its own — a kubeconfig that no longer reads or a server that is down is that
 * cluster's event and status, never a stop of the others or of the node.
 */
public final class KubernetesSources implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesSources.class);

    private final List<AutoCloseable> running = new ArrayList<>();

    /**
     * Starts them all.
     *
     * @param clusterHosts the registry's hosts, for the config sources' validation
     */
    public static KubernetesSources start(BusConfig bus, List<KubernetesClusterOptions> clusters,
                                          Supplier<? extends Collection<AnalysisInput.ClusterHost>> clusterHosts) {
        KubernetesClusterOptions.checkDistinct(clusters);
        KubernetesSources out = new KubernetesSources();
        for (KubernetesClusterOptions c : clusters) {
            try {
                out.running.add(new KubernetesRegistrySource(bus, c).start());
            } catch (Exception e) {
                LOG.warn("cluster {}: registry source did not start", c.cluster(), e);
                RevisionPipeline.EVENTS.error("cluster {}: its registry is not read ({}); the other clusters are", c.cluster(),
                        ClusterClients.oneLine(e));
            }
            if (c.config()) {
                try {
                    out.running.add(new KubernetesConfigSource(bus, c, clusterHosts, Duration.ofMillis(100)).start());
                } catch (RuntimeException e) {
                    LOG.warn("cluster {}: config source did not start", c.cluster(), e);
                    RevisionPipeline.EVENTS.error("cluster {}: its Istio objects are not read as config ({}); the last good "
                            + "revision of {} stays live", c.cluster(), ClusterClients.oneLine(e), c.sourceName());
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        for (AutoCloseable s : running) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debug("stopping a Kubernetes source: {}", e.getMessage());
            }
        }
        running.clear();
    }
}
