package io.strait.ingest.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.strait.bus.kafka.BusConfig;
import io.strait.ingest.analyze.AnalysisInput;
import io.strait.ingest.jwks.JwksKeys;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.load.ParseCache;
import io.strait.ingest.source.RevisionPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster's Istio objects as a config source ({@code kubernetes:<cluster>}, {@code config=true}): an informer on
 * every Istio kind Strait reads; after a burst of changes, all objects together are one revision through the same
 * {@link RevisionPipeline} as files — validated whole, published atomically, or rejected whole with each finding
 * naming its object ({@code <Kind>/<namespace>/<name>}) and field while the last good revision stays live.
 *
 * <p>Nothing is submitted until every informer has listed: an API server that cannot be reached, or a source that is
 * still starting, never publishes an empty revision over the live one. A kind whose CRD is not installed (404) is not
 * watched; one the credentials may not list (403) is reported.
 */
public final class KubernetesConfigSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesConfigSource.class);
    private static final Logger EVENTS = RevisionPipeline.EVENTS;

    private final KubernetesClusterOptions options;
    private final Duration debounce;
    private final RevisionPipeline pipeline;
    private final ParseCache parses = new ParseCache();
    private final ScheduledExecutorService worker;
    private final AtomicBoolean queued = new AtomicBoolean();
    /** The informer of each kind that is watched (kinds without a CRD are dropped). */
    private final Map<String, SharedIndexInformer<GenericKubernetesResource>> informers = new ConcurrentHashMap<>();
    private KubernetesClient client;

    /**
     * @param clusterHosts the hosts the clusters' registries publish, known to validation
     * @param debounce     quiet time after a change before the objects are read as a revision
     */
    public KubernetesConfigSource(BusConfig bus, KubernetesClusterOptions options,
                                  Supplier<? extends Collection<AnalysisInput.ClusterHost>> clusterHosts, Duration debounce) {
        this.options = options;
        this.debounce = debounce;
        this.pipeline = new RevisionPipeline(bus, options.sourceName(), JwksKeys.DEFAULT_REFRESH, clusterHosts);
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strait-k8s-config-" + options.cluster());
            t.setDaemon(true);
            return t;
        });
    }

    public String source() {
        return pipeline.source();
    }

    /** Reads back the source's live revision, then starts the informers; their first lists make the first revision. */
    public KubernetesConfigSource start() {
        pipeline.start();
        client = ClusterClients.client(options);
        for (ResourceDefinitionContext kind : IstioObjects.kinds()) {
            SharedIndexInformer<GenericKubernetesResource> informer =
                    client.genericKubernetesResources(kind).inAnyNamespace().runnableInformer(0);
            informer.exceptionHandler((started, t) -> {
                if (t instanceof KubernetesClientException e && (e.getCode() == 404 || e.getCode() == 403)) {
                    return false; // no such CRD, or not allowed: retrying will not change it
                }
                LOG.debug("cluster {}: watching {} failed: {}", options.cluster(), kind.getKind(), t.getMessage());
                return true;
            });
            informer.addEventHandler(new ResourceEventHandler<GenericKubernetesResource>() {
                @Override
                public void onAdd(GenericKubernetesResource obj) {
                    schedule();
                }

                @Override
                public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
                    schedule();
                }

                @Override
                public void onDelete(GenericKubernetesResource obj, boolean unknownFinalState) {
                    schedule();
                }
            });
            informers.put(kind.getKind(), informer);
            informer.start().whenComplete((ok, failed) -> {
                if (failed != null) {
                    dropped(kind, failed);
                }
                schedule(); // an empty kind has no events: its list completing is one
            });
        }
        return this;
    }

    private void dropped(ResourceDefinitionContext kind, Throwable failed) {
        informers.remove(kind.getKind());
        Throwable cause = failed.getCause() != null ? failed.getCause() : failed;
        int code = cause instanceof KubernetesClientException e ? e.getCode() : 0;
        if (code == 403) {
            EVENTS.warn("cluster {}: may not list {} ({}/{}): grant list and watch on {} to read them as config",
                    options.cluster(), kind.getKind(), kind.getGroup(), kind.getVersion(), kind.getPlural());
        } else {
            EVENTS.info("cluster {}: {} ({}/{}) is not served ({}); not read as config", options.cluster(), kind.getKind(),
                    kind.getGroup(), kind.getVersion(), ClusterClients.oneLine(cause));
        }
    }

    /** One queued read at a time, after the debounce; any thread. */
    private void schedule() {
        if (queued.compareAndSet(false, true)) {
            try {
                worker.schedule(() -> {
                    queued.set(false);
                    reconcile();
                }, debounce.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                queued.set(false);
            }
        }
    }

    /** Reads every object as one revision and hands it to the pipeline. Worker thread; never throws. */
    private void reconcile() {
        List<SharedIndexInformer<GenericKubernetesResource>> watched = new ArrayList<>(informers.values());
        if (watched.stream().anyMatch(i -> !i.hasSynced())) {
            return; // a kind still listing: its completion schedules the read
        }
        List<GenericKubernetesResource> objects = new ArrayList<>();
        watched.forEach(i -> objects.addAll(i.getStore().list()));
        try {
            LoadResult loaded = ConfigLoader.parse(IstioObjects.files(objects), parses);
            pipeline.submit(loaded, null, null);
        } catch (RevisionPipeline.PublishFailedException e) {
            worker.schedule(this::schedule, 1, TimeUnit.SECONDS); // reported by the pipeline; try again
        } catch (RuntimeException e) {
            LOG.warn("cluster {}: reading its Istio objects failed", options.cluster(), e);
        }
    }

    @Override
    public void close() {
        informers.values().forEach(i -> {
            try {
                i.stop();
            } catch (RuntimeException e) {
                LOG.debug("stopping an informer: {}", e.getMessage());
            }
        });
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (client != null) {
            client.close();
        }
        pipeline.close();
    }
}
