package io.strait.ingest.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.strait.bus.envelope.ClusterService;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.TopicSnapshot;
import io.strait.bus.topic.Topics;
import io.strait.ingest.source.RevisionPipeline;
import io.strait.model.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cluster's registry on the bus: informers on its Services, EndpointSlices, Pods, Nodes and Namespaces; after
 * each burst of changes (coalesced on the source's own worker thread, never on the informers'), the affected
 * Services are built again ({@link RegistryBuilder}) and only the records whose content changed are written to
 * {@code strait.endpoints.v1}, with tombstones for Services that are gone ({@link PublishedEndpoints}).
 *
 * <p>An API server that cannot be reached changes nothing that was published: the source marks itself
 * disconnected and stale on {@code strait.registries.v1} and keeps probing; when the server answers again it starts
 * fresh informers (a full relist), and publishes the differences from what it had published — tombstones only for
 * what is really gone. Status is written on every change of state and every {@code statusEvery} while running.
 */
public final class KubernetesRegistrySource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesRegistrySource.class);
    private static final Logger EVENTS = RevisionPipeline.EVENTS;

    /**
     * How quickly the source reacts.
     *
     * @param debounce    quiet time that coalesces a burst of changes into one build
     * @param probe       how often the API server is asked whether it answers
     * @param statusEvery how often the status is written while nothing changes
     */
    public record Timing(Duration debounce, Duration probe, Duration statusEvery) {
        public static final Timing DEFAULT = new Timing(Duration.ofMillis(20), Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    private final BusConfig bus;
    private final KubernetesClusterOptions options;
    private final Timing timing;
    private final RegistryBuilder builder;
    private final RegistryHealth health;
    private final ScheduledExecutorService worker;
    /** Services (namespace/name) and namespaces whose Services changed since the last build; "*" for all. */
    private final Set<String> dirtyServices = ConcurrentHashMap.newKeySet();
    private final Set<String> dirtyNamespaces = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean dirtyAll = new AtomicBoolean();
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    /** Services left out (namespace/name to why), for the status line and so each is reported once. */
    private final Map<String, String> problems = new HashMap<>();
    private PublishedEndpoints published;
    private KafkaProducer<String, byte[]> producer;
    private KubernetesClient client;
    private List<SharedIndexInformer<? extends HasMetadata>> informers = List.of();
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<EndpointSlice> slices;
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Node> nodes;
    private SharedIndexInformer<Namespace> namespaces;
    /** Bumped on every (re)start of the informers, so a late "synced" of an old set is ignored. */
    private int generation;
    /** True from starting a set of informers until they all listed (or failed). */
    private boolean syncing;
    private volatile String lastInformerError = "";

    public KubernetesRegistrySource(BusConfig bus, KubernetesClusterOptions options, Timing timing) {
        this.bus = bus;
        this.options = options;
        this.timing = timing;
        this.builder = new RegistryBuilder(options.cluster(), options.network(), options.domain());
        this.health = new RegistryHealth(options);
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strait-k8s-" + options.cluster());
            t.setDaemon(true);
            return t;
        });
    }

    public KubernetesRegistrySource(BusConfig bus, KubernetesClusterOptions options) {
        this(bus, options, Timing.DEFAULT);
    }

    public String cluster() {
        return options.cluster();
    }

    /**
     * Reads back what the cluster has on the bus, then connects in the background: an unreachable API server is a
     * status, not a failed start.
     */
    public KubernetesRegistrySource start() throws Exception {
        String prefix = options.cluster() + "/";
        Map<String, ClusterService> mine = new HashMap<>();
        TopicSnapshot.read(bus, Topics.ENDPOINTS, Duration.ofSeconds(30)).forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                try {
                    mine.put(key, Json.read(value, ClusterService.class));
                } catch (RuntimeException e) {
                    LOG.debug("unreadable {} record {}: {}", Topics.ENDPOINTS, key, e.getMessage());
                }
            }
        });
        published = new PublishedEndpoints(mine);
        producer = new KafkaProducer<>(bus.producer("registry-" + options.cluster(), null));
        worker.submit(this::connect).get();
        worker.scheduleWithFixedDelay(this::probe, timing.probe().toMillis(), timing.probe().toMillis(), TimeUnit.MILLISECONDS);
        worker.scheduleWithFixedDelay(this::writeStatus, timing.statusEvery().toMillis(), timing.statusEvery().toMillis(),
                TimeUnit.MILLISECONDS);
        return this;
    }

    /** Starts a fresh set of informers (the first, or after the server came back). Worker thread. */
    private void connect() {
        stopInformers();
        syncing = true;
        lastInformerError = "";
        int mineGeneration = ++generation;
        try {
            if (client == null) {
                client = ClusterClients.client(options);
            }
            services = informer(client.services().inAnyNamespace().runnableInformer(0), this::serviceChanged);
            slices = informer(client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0), this::sliceChanged);
            pods = informer(client.pods().inAnyNamespace().runnableInformer(0), this::podChanged);
            nodes = informer(client.nodes().runnableInformer(0), o -> dirtyAll.set(true));
            namespaces = informer(client.namespaces().runnableInformer(0), o -> dirtyAll.set(true));
            informers = List.of(services, slices, pods, nodes, namespaces);
            CompletableFuture<?>[] started = informers.stream().map(i -> i.start().toCompletableFuture()).toArray(CompletableFuture[]::new);
            CompletableFuture.allOf(started).whenComplete((ok, failed) -> execute(() -> {
                if (mineGeneration != generation) {
                    return;
                }
                syncing = false;
                if (failed != null) {
                    disconnected(ClusterClients.oneLine(failed));
                } else {
                    synced();
                }
            }));
        } catch (RuntimeException e) {
            syncing = false;
            disconnected(ClusterClients.oneLine(e));
        }
    }

    private <T extends HasMetadata> SharedIndexInformer<T> informer(SharedIndexInformer<T> informer, java.util.function.Consumer<T> changed) {
        informer.exceptionHandler((started, t) -> {
            lastInformerError = ClusterClients.oneLine(t);
            return true; // keep trying: the probe tells the status, the resync repairs
        });
        informer.addEventHandler(new ResourceEventHandler<T>() {
            @Override
            public void onAdd(T obj) {
                changed.accept(obj);
                scheduleFlush();
            }

            @Override
            public void onUpdate(T before, T after) {
                changed.accept(before);
                changed.accept(after);
                scheduleFlush();
            }

            @Override
            public void onDelete(T obj, boolean unknownFinalState) {
                changed.accept(obj);
                scheduleFlush();
            }
        });
        return informer;
    }

    private void serviceChanged(Service s) {
        dirtyServices.add(ClusterSnapshot.key(s.getMetadata().getNamespace(), s.getMetadata().getName()));
    }

    private void sliceChanged(EndpointSlice s) {
        Map<String, String> labels = s.getMetadata().getLabels();
        String owner = labels == null ? null : labels.get(ClusterSnapshot.SERVICE_NAME_LABEL);
        if (owner != null) {
            dirtyServices.add(ClusterSnapshot.key(s.getMetadata().getNamespace(), owner));
        }
    }

    private void podChanged(Pod p) {
        dirtyNamespaces.add(p.getMetadata().getNamespace());
    }

    /** Informer thread: one queued build at a time, after the debounce. */
    private void scheduleFlush() {
        if (flushQueued.compareAndSet(false, true)) {
            try {
                worker.schedule(() -> {
                    flushQueued.set(false);
                    flush();
                }, timing.debounce().toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                flushQueued.set(false);
            }
        }
    }

    /** All informers listed: a full build, published as differences from what the bus has. Worker thread. */
    private void synced() {
        boolean was = health.connected();
        health.synced(System.currentTimeMillis());
        dirtyAll.set(true);
        publish(); // a refused write is retried by the flush it schedules
        EVENTS.info("cluster {}: {}registry synced ({} services, {} endpoints)", options.cluster(), was ? "" : "connected, ",
                published.services(), published.endpoints());
        writeStatus();
    }

    /** Builds what changed and publishes it; nothing while disconnected (the resync on reconnect covers it). */
    private void flush() {
        if (!health.connected() || informers.stream().anyMatch(i -> !i.hasSynced())) {
            return;
        }
        publish();
    }

    /** @return false when the bus refused the writes (retried shortly) */
    private boolean publish() {
        boolean all = dirtyAll.getAndSet(false);
        Set<String> svc = Set.copyOf(dirtyServices);
        Set<String> ns = Set.copyOf(dirtyNamespaces);
        dirtyServices.removeAll(svc);
        dirtyNamespaces.removeAll(ns);
        Predicate<String> scope = all ? k -> true : k -> svc.contains(k) || ns.contains(k.substring(0, k.indexOf('/')));
        ClusterSnapshot snapshot = ClusterSnapshot.of(services.getStore().list(), slices.getStore().list(), pods.getStore().list(),
                nodes.getStore().list(), namespaces.getStore().list());
        RegistryBuilder.Registry built = builder.build(snapshot, scope, System.currentTimeMillis());
        boolean problemsChanged = reportProblems(built.problems(), scope);
        List<PublishedEndpoints.Write> writes = published.changes(built.services(), scope);
        try {
            for (PublishedEndpoints.Write w : writes) {
                producer.send(new ProducerRecord<>(Topics.ENDPOINTS, w.key(), w.record() == null ? null : Json.write(w.record())));
            }
            producer.flush();
        } catch (KafkaException e) {
            LOG.warn("cluster {}: publishing {} endpoint records failed", options.cluster(), writes.size(), e);
            EVENTS.error("cluster {}: endpoints could not be published ({}); retrying", options.cluster(), e.getMessage());
            if (all) {
                dirtyAll.set(true);
            }
            dirtyServices.addAll(svc);
            dirtyNamespaces.addAll(ns);
            worker.schedule(this::flush, 1, TimeUnit.SECONDS);
            return false;
        }
        published.applied(writes);
        if (!writes.isEmpty()) {
            LOG.debug("cluster {}: {} endpoint records written", options.cluster(), writes.size());
        }
        if (problemsChanged) {
            writeStatus();
        }
        return true;
    }

    /** Reports each Service newly left out once; @return true when the set of problems changed. */
    private boolean reportProblems(Map<String, String> found, Predicate<String> scope) {
        boolean changed = problems.keySet().removeIf(k -> scope.test(k) && !found.containsKey(k));
        for (Map.Entry<String, String> p : found.entrySet()) {
            if (!p.getValue().equals(problems.put(p.getKey(), p.getValue()))) {
                EVENTS.warn("{}", p.getValue());
                changed = true;
            }
        }
        health.problems(String.join("; ", new java.util.TreeMap<>(problems).values()));
        return changed;
    }

    /** Asks the API server whether it answers; a change either way is a status, a return is a resync. Worker thread. */
    private void probe() {
        if (client == null) {
            connect();
            return;
        }
        try {
            client.getKubernetesVersion();
            if (!health.connected() && syncing && !lastInformerError.isEmpty()) {
                // the server answers but a list keeps failing (RBAC, a missing API): say so rather than wait quietly
                unsynced("the API server answers but listing fails: " + lastInformerError
                        + "; check the RBAC (list/watch services, endpointslices, pods, nodes, namespaces)");
            }
            if (!health.connected() && !syncing) {
                EVENTS.info("cluster {}: API server answers again; relisting everything", options.cluster());
                connect();
            }
        } catch (RuntimeException e) {
            syncing = false; // the informers of this generation may never finish: the next answer starts fresh ones
            disconnected(ClusterClients.oneLine(e));
        }
    }

    private void disconnected(String reason) {
        unsynced("API server unreachable: " + reason);
    }

    private void unsynced(String reason) {
        long now = System.currentTimeMillis();
        String line = reason + "; keeping the last published endpoints";
        if (health.unreachable(now, line)) {
            EVENTS.warn("cluster {}: {}", options.cluster(), line);
            writeStatus();
        }
    }

    private void writeStatus() {
        try {
            producer.send(new ProducerRecord<>(Topics.REGISTRIES, options.cluster(),
                    Json.write(health.status(published.services(), published.endpoints(), System.currentTimeMillis()))));
        } catch (KafkaException e) {
            LOG.debug("cluster {}: status not written: {}", options.cluster(), e.getMessage());
        }
    }

    private void execute(Runnable r) {
        try {
            worker.execute(r);
        } catch (RejectedExecutionException closed) {
            // stopping
        }
    }

    private void stopInformers() {
        for (SharedIndexInformer<?> i : informers) {
            try {
                i.stop();
            } catch (RuntimeException e) {
                LOG.debug("stopping an informer: {}", e.getMessage());
            }
        }
        informers = List.of();
    }

    @Override
    public void close() {
        Future<?> stopping = null;
        try {
            stopping = worker.submit(() -> {
                stopInformers();
                if (client != null) {
                    client.close();
                }
            });
            stopping.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("cluster {}: stopping: {}", options.cluster(), e.getMessage());
        }
        worker.shutdownNow();
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** For tests: the informers' count of objects, to wait for a start. */
    int publishedServices() {
        return published.services();
    }

    List<String> problems() {
        return new ArrayList<>(problems.values());
    }
}
