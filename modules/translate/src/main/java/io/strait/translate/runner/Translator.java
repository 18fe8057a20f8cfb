package io.strait.translate.runner;

import com.google.protobuf.Message;
import io.strait.bus.envelope.EndpointAssignment;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.kafka.BusConfig;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.translate.pilot.ClusterRef;
import io.strait.translate.pilot.ScopeTranslator;
import io.strait.bus.wire.ContentHash;
import io.strait.translate.xds.EnvoyConstraints;
import io.strait.bus.wire.ResourceCodec;
import io.strait.translate.xds.XdsResources;
import io.strait.bus.wire.XdsType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The translate role (Istio's Pilot): keeps the latest model and the scopes it owns, and for every change
 * recomputes the scopes it touches and publishes what is new. All state is confined to one worker thread, fed by
 * the config follower and the scope ownership loops.
 */
public final class Translator implements ScopeListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Translator.class);
    private static final Logger EVENTS = LoggerFactory.getLogger("strait.events");
    private static final long RETRY_SECONDS = 1;

    private final ScheduledThreadPoolExecutor worker = worker();
    private final ScopeTranslator translator = new ScopeTranslator();
    /** This process's key for its coverage record. */
    private final String id = "translator-" + java.util.UUID.randomUUID();
    private final BusConfig bus;
    private ScopePublisher publisher;
    private boolean retryScheduled;
    private final ModelFollower follower;
    /** The clusters' registries ({@code strait.endpoints.v1}), merged into the config model at each step. */
    private final RegistryFollower registryFollower;
    private boolean registryStepScheduled;
    /** Coalescing window of registry records: a relist's burst becomes one model step. */
    private static final long REGISTRY_DEBOUNCE_MS = 20;
    private final ScopeOwnership ownership;
    /** Staged rollouts: which scopes the current model may be published to. Read on the worker thread only. */
    private final RolloutFollower rollouts;
    private RolloutHold hold = RolloutHold.NONE;
    private final Map<String, ProxyIdentity> scopes = new HashMap<>();
    private final Map<String, ScopeManifest> published = new HashMap<>();
    /** Per owned scope, what its proxies are served from (its manifest's revisions, or newer endpoints by name). */
    private final ServedRevisions served = new ServedRevisions();
    private final PublishedHashes publishedHashes = new PublishedHashes();
    private MeshModel model;
    private Map<String, String> revisions = Map.of();
    private long revisionAt;
    /** The latest config model (without the registry), its revisions and when they were published; null before the first. */
    private ModelFollower.ModelRevision config;
    /** The registry as last stepped to, and its revision; null until the topic has been read to its end once. */
    private io.strait.model.mesh.ServiceRegistry registry;
    private RegistryLog.Step registryAt;
    /** {@code --janitor-retention}: how long a key no live manifest names stays on the bus; zero: no janitor. */
    private final java.time.Duration janitorRetention;
    private final io.micrometer.core.instrument.MeterRegistry metrics;
    /** Whether this translator holds partition 0 of the proxies topic, and so should run the janitor. */
    private volatile boolean janitorDuty;
    /** The running janitor, on the worker thread only; null while another translator runs it (or none does). */
    private io.strait.translate.janitor.BusJanitor janitor;
    private final TombstoneFollower tombstones;

    /** The one thread all translation state is confined to; a retry still pending at shutdown is dropped. */
    private static ScheduledThreadPoolExecutor worker() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "strait-translate");
            t.setDaemon(true);
            return t;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        return executor;
    }

    /** A translator without the bus janitor. */
    public Translator(BusConfig bus) {
        this(bus, java.time.Duration.ZERO, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    /**
     * @param janitorRetention how long a resource, bundle or assignment no live manifest names is kept before the
     *                         janitor tombstones it, when this translator is the one running it; zero: never
     * @param metrics          where the janitor counts its tombstones
     */
    public Translator(BusConfig bus, java.time.Duration janitorRetention, io.micrometer.core.instrument.MeterRegistry metrics) {
        this.bus = bus;
        this.janitorRetention = janitorRetention;
        this.metrics = metrics;
        this.tombstones = new TombstoneFollower(bus, (resources, clusters) -> worker.execute(() -> repair(resources, clusters)));
        this.publisher = new ScopePublisher(bus);
        this.follower = new ModelFollower(bus, m -> worker.execute(() -> onModel(m)));
        this.registryFollower = new RegistryFollower(bus, this::registryReady);
        this.ownership = new ScopeOwnership(bus, this);
        this.rollouts = new RolloutFollower(bus);
    }

    public Translator start() {
        tombstones.start();
        follower.start();
        registryFollower.start();
        ownership.start();
        // a promotion, halt or abort arrives without a new model: look for one a few times a second
        worker.scheduleWithFixedDelay(this::followRollouts, 200, 200, TimeUnit.MILLISECONDS);
        if (!janitorRetention.isZero()) {
            worker.scheduleWithFixedDelay(this::tendJanitor, 1, 5, TimeUnit.SECONDS);
        }
        return this;
    }

    @Override
    public void firstPartition(boolean held) {
        janitorDuty = held;
        if (!janitorRetention.isZero()) {
            worker.execute(this::tendJanitor);
        }
    }

    /** Runs the janitor while this translator holds partition 0, stops it when it does not; retried every few seconds. */
    private void tendJanitor() {
        try {
            if (janitorDuty && janitor == null) {
                janitor = new io.strait.translate.janitor.BusJanitor(bus, janitorRetention, metrics, System::currentTimeMillis).start();
            } else if (!janitorDuty && janitor != null) {
                janitor.close();
                janitor = null;
                EVENTS.info("the bus janitor moved to another translator");
            }
        } catch (RuntimeException e) {
            LOG.error("starting the bus janitor failed; trying again in 5 s", e);
        }
    }

    /**
     * Tombstones read from the bus: what we count as published is forgotten, and the scopes whose live manifest still
     * names one are published again (their resources are written anew; an unchanged manifest is not rewritten). That
     * happens only when a key was named again as the janitor decided it had been unnamed for its retention.
     */
    private void repair(List<String> resources, List<String> clusters) {
        java.util.Set<String> lost = new java.util.HashSet<>();
        resources.forEach(h -> {
            if (publishedHashes.tombstoned(h)) {
                lost.add(h);
            }
        });
        java.util.Set<String> lostClusters = new java.util.HashSet<>();
        clusters.forEach(c -> {
            if (publishedHashes.assignmentTombstoned(c)) {
                lostClusters.add(c);
            }
        });
        if ((lost.isEmpty() && lostClusters.isEmpty()) || model == null) {
            return;
        }
        List<String> affected = new ArrayList<>();
        published.forEach((scope, m) -> {
            if (scopes.containsKey(scope) && (m.contentHashes().stream().anyMatch(lost::contains)
                    || m.endpoints().stream().anyMatch(lostClusters::contains))) {
                affected.add(scope);
            }
        });
        EVENTS.warn("{} resource(s) and {} assignment(s) a live manifest names were tombstoned as they were named again; "
                + "writing them again for {} scope(s)", lost.size(), lostClusters.size(), affected.size());
        publish(affected);
    }

    /** A new rollout record may free held scopes (a promotion, the canary chosen): publish what it allows. */
    private void followRollouts() {
        try {
            boolean unreadable = hold.equals(RolloutHold.unknown());
            boolean arrived = unreadable ? rollouts.catchUp(java.time.Duration.ofSeconds(5)) : rollouts.poll();
            if (!arrived || model == null) {
                return;
            }
            RolloutHold before = hold;
            hold = rollouts.hold(revisions);
            if (!hold.equals(before)) {
                EVENTS.info("rollout hold {}; publishing what it allows", hold.held() ? "now " + hold.why() : "released");
                publish(new ArrayList<>(scopes.keySet()));
            }
        } catch (RuntimeException e) {
            // a periodic task that throws is never run again: log and go on
            LOG.error("following the rollout records failed", e);
        }
    }

    /** The hold for the model about to be published, from the rollout records read to their end. */
    private RolloutHold holdNow() {
        if (!rollouts.catchUp(java.time.Duration.ofSeconds(5))) {
            LOG.warn("could not read {} to its end; holding every scope until it can be read", io.strait.bus.topic.Topics.ROLLOUTS);
            return RolloutHold.unknown();
        }
        return rollouts.hold(revisions);
    }

    @Override
    public void scopeUp(String scope, ProxyIdentity identity) {
        worker.execute(() -> {
            if (scopes.putIfAbsent(scope, identity) == null && model != null) {
                if (arriving.isEmpty()) {
                    worker.execute(this::publishArrivals); // the first since the last batch: its batch is queued now
                }
                arriving.add(scope);
            }
        });
    }

    /**
     * Scopes that came up since the last arrivals were published (worker thread only). A fleet connecting brings its
     * scopes up one registration at a time; translating each on its own would serialize and hash the shared resources
     * once per scope (row D: 200 scopes × 3.5 MB, ~80 s of a 1,000-proxy initial sync). Those that arrive while the
     * worker is busy are published together: one translation per distinct input, one serialization per resource.
     */
    private final java.util.Set<String> arriving = new java.util.LinkedHashSet<>();

    private void publishArrivals() {
        List<String> batch = new ArrayList<>();
        for (String scope : arriving) {
            // gone again, or published meanwhile by a revision (a scope without a manifest is in every revision's pass)
            if (scopes.containsKey(scope) && !published.containsKey(scope)) {
                batch.add(scope);
            }
        }
        arriving.clear();
        if (!batch.isEmpty() && model != null) {
            publish(batch);
        }
    }

    @Override
    public void scopeDown(String scope) {
        worker.execute(() -> {
            scopes.remove(scope);
            served.forget(scope);
            publishedHashes.replaced(published.remove(scope), null);
        });
    }

    /** Registry records are ready: one step drains them all, a moment later so that a burst lands in one step. */
    private void registryReady() {
        synchronized (registryFollower) {
            if (registryStepScheduled) {
                return;
            }
            registryStepScheduled = true;
        }
        worker.schedule(this::onRegistry, REGISTRY_DEBOUNCE_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * The revisions the current model is at: each config source's, and the registry's ({@link RegistryLog#SOURCE})
     * once it holds anything, with when the newest of them was written.
     */
    private void setRevisions() {
        Map<String, String> all = new TreeMap<>(config.revisions());
        long at = config.publishedAt();
        if (registryAt != null && !registryAt.id().equals("0")) {
            all.put(RegistryLog.SOURCE, registryAt.id());
            at = Math.max(at, registryAt.at());
        }
        revisions = Map.copyOf(all);
        revisionAt = at;
    }

    /**
     * A registry step: the model moves to the config with the new registry. A step that changed only endpoints is
     * republished as assignments by name (no scope translated); one that changed services is a translation of the
     * scopes that see them. The first model waits until both topics were read to their end.
     */
    private void onRegistry() {
        synchronized (registryFollower) {
            registryStepScheduled = false;
        }
        try {
            stepRegistry(registryFollower.drain());
        } catch (RuntimeException e) {
            // a scheduled task that throws says nothing: log it; the next step (or config revision) translates again
            LOG.error("applying a registry step failed", e);
        }
    }

    private void stepRegistry(RegistryLog.Step step) {
        io.strait.model.mesh.ServiceRegistry before = registry == null ? io.strait.model.mesh.ServiceRegistry.EMPTY : registry;
        registry = before.applying(step.changes());
        registryAt = step;
        if (registry.equals(before) && model != null) {
            return; // a relist that found everything as it was: nothing to translate, nothing to republish
        }
        if (config == null) {
            return; // the config topic is not read to its end yet: its first model takes this registry
        }
        MeshModel previous = model;
        model = config.model().withRegistry(registry);
        setRevisions();
        hold = holdNow();
        long start = System.nanoTime();
        if (previous == null) {
            int changed = publish(new ArrayList<>(scopes.keySet()));
            EVENTS.info("first model with {} registry services: {} scopes published", registry.services().size(), changed);
            return;
        }
        java.util.Set<String> hosts = RegistryChanges.hosts(before, step.changes());
        if (hosts.isEmpty()) {
            return;
        }
        java.util.Optional<java.util.Set<String>> endpointsOnly = RegistryChanges.endpointOnly(hosts, previous, model);
        // assignments by name: not with locality-aware balancing (arranged per caller), nor while a revision is held
        boolean byName = !previous.usesLocality() && !model.usesLocality() && !hold.held();
        if (endpointsOnly.isPresent() && byName) {
            java.util.Set<String> shared = new java.util.TreeSet<>(endpointsOnly.get());
            java.util.Set<String> perCluster = new java.util.TreeSet<>();
            shared.removeIf(h -> (previous.isClusterLocal(h) || model.isClusterLocal(h)) && perCluster.add(h));
            int reassigned = reassign(shared);
            int translated = 0;
            if (!perCluster.isEmpty()) {
                // a cluster-local host's assignment is its caller's cluster's: carried by each scope, not by name
                translated = publish(scopesReached(perCluster, previous));
            }
            EVENTS.info("registry {} changed endpoints only: {} assignment{} republished by name, {} cluster-local scope{} in {} ms",
                    registryAt.id(), reassigned, reassigned == 1 ? "" : "s", translated, translated == 1 ? "" : "s",
                    (System.nanoTime() - start) / 1_000_000);
            return;
        }
        List<String> affected = scopesReached(hosts, previous);
        int changed = publish(affected);
        EVENTS.info("registry {} changed services {}: translated {} of {} scopes ({} changed) in {} ms", registryAt.id(), hosts,
                affected.size(), scopes.size(), changed, (System.nanoTime() - start) / 1_000_000);
    }

    /** The owned scopes that see one of the hosts (before or now), carry one of its clusters, or have no manifest. */
    private List<String> scopesReached(java.util.Set<String> hosts, MeshModel before) {
        List<String> affected = new ArrayList<>();
        Map<List<Object>, Boolean> seen = new HashMap<>();
        // scopes of one input share their manifest's lists: whether they carry a host is asked once per pair of lists
        Map<List<ScopeManifest.NamedHash>, Map<List<String>, Boolean>> carries = new java.util.IdentityHashMap<>();
        scopes.forEach((scope, identity) -> {
            ScopeManifest m = published.get(scope);
            if (m == null || ChangeImpact.affects(hosts, identity, before, model, carries
                    .computeIfAbsent(m.resources().getOrDefault(XdsType.CDS.typeUrl(), List.of()), l -> new java.util.IdentityHashMap<>())
                    .computeIfAbsent(m.endpoints(), e -> ChangeImpact.carries(hosts, carried(m))), seen)) {
                affected.add(scope);
            }
        });
        return affected;
    }

    private static List<String> carried(ScopeManifest m) {
        List<String> names = new ArrayList<>(m.endpoints());
        m.resources().getOrDefault(XdsType.CDS.typeUrl(), List.of()).forEach(h -> names.add(h.name()));
        return names;
    }

    private void onModel(ModelFollower.ModelRevision next) {
        config = next;
        if (registryAt == null) {
            return; // the registry is not read to its end yet: the first model waits for it
        }
        MeshModel before = model;
        model = next.model().withRegistry(registry);
        long start = System.nanoTime();
        java.util.Optional<java.util.Set<String>> hosts = before == null || next.changes() == null
                ? java.util.Optional.empty() : ChangeImpact.hosts(next.changes(), before, model);
        // a revision about some hosts leaves every other host's clusters and assignments as they were: take them over
        hosts.ifPresent(h -> model.adopt(before, ScopeTranslator.unchangedBy(h)));
        setRevisions();
        hold = holdNow();
        java.util.Optional<java.util.Set<String>> endpointsOnly = before == null || next.changes() == null
                ? java.util.Optional.empty() : EndpointChanges.affectedHosts(next.changes(), before, model);
        if (endpointsOnly.isPresent() && EndpointChanges.movesGrpcServers(scopes.values(), before, model)) {
            endpointsOnly = java.util.Optional.empty(); // a gRPC server's own WorkloadEntry moved: its listeners change
        }
        if (hold.held()) {
            // assignments served by name reach every scope that names the cluster: a held revision must not use them
            endpointsOnly = java.util.Optional.empty();
        }
        if (endpointsOnly.isPresent()) {
            int reassigned = reassign(endpointsOnly.get());
            EVENTS.info("revision {} changed endpoints only: {} assignment{} republished by name, no scope translated, in {} ms",
                    revisions.values(), reassigned, reassigned == 1 ? "" : "s", (System.nanoTime() - start) / 1_000_000);
            return;
        }
        List<String> affected = affectedScopes(before, next, hosts);
        int changed = publish(affected);
        if (!scopes.isEmpty()) {
            EVENTS.info("translated revision {} for {} of {} scope{} ({} changed) in {} ms: {}", revisions.values(), affected.size(),
                    scopes.size(), scopes.size() == 1 ? "" : "s", changed, (System.nanoTime() - start) / 1_000_000, lastPublish);
        }
    }

    /** The owned scopes a revision can change: those that see or carry a host it is about, or all of them. */
    private List<String> affectedScopes(MeshModel before, ModelFollower.ModelRevision next,
                                        java.util.Optional<java.util.Set<String>> hosts) {
        if (hosts.isEmpty()) {
            return new ArrayList<>(scopes.keySet());
        }
        List<String> affected = new ArrayList<>();
        List<io.strait.model.istio.IstioResource> policies = ChangeImpact.policies(next.changes());
        Map<List<Object>, Boolean> seen = new HashMap<>();
        // the scopes of one input share their manifest's cluster list: whether it carries a host is asked once per list
        Map<List<ScopeManifest.NamedHash>, Boolean> carries = new java.util.IdentityHashMap<>();
        scopes.forEach((scope, identity) -> {
            ScopeManifest m = published.get(scope);
            // a scope without a live manifest (its translation failed) is always retried
            if (m == null || ChangeImpact.affects(hosts.get(), policies, identity, before, model, carries.computeIfAbsent(
                    m.resources().getOrDefault(XdsType.CDS.typeUrl(), List.of()), list -> ChangeImpact.carries(hosts.get(),
                            list.stream().map(ScopeManifest.NamedHash::name).toList())), seen)) {
                affected.add(scope);
            }
        });
        return affected;
    }

    /**
     * An endpoint-only revision: recomputes the assignments that our scopes are served by name for the given hosts
     * and publishes those that changed, with the coverage record; no scope is translated and no manifest written.
     */
    private int reassign(java.util.Set<String> hosts) {
        Map<String, EndpointAssignment> changed = new TreeMap<>();
        try {
            // scopes of one input share their manifest's list of names (each ~1,000 long): each list is read once, and a
            // name that does not even contain a changed host is not parsed
            java.util.Set<String> clusters = new java.util.TreeSet<>();
            java.util.Set<List<String>> read = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            published.forEach((scope, m) -> {
                if (scopes.containsKey(scope) && read.add(m.endpoints())) {
                    for (String name : m.endpoints()) {
                        if (containsAny(name, hosts)) {
                            clusters.add(name);
                        }
                    }
                }
            });
            for (String cluster : clusters) {
                if (ScopeTranslator.hostOf(cluster).filter(hosts::contains).isPresent()) {
                    Message cla = ScopeTranslator.assignment(model, cluster);
                    byte[] bytes = ContentHash.serialize(cla);
                    assignIfChanged(cluster, cla, bytes, ContentHash.of(bytes), changed, null);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("recomputing endpoints failed; translating every scope instead", e);
            publish(new ArrayList<>(scopes.keySet()));
            return 0;
        }
        commit(Map.of(), changed, List.of());
        return changed.size();
    }

    private static boolean containsAny(String name, java.util.Set<String> hosts) {
        for (String host : hosts) {
            if (name.contains(host)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A scope's translation as the bus holds it: named hashes per type, the clusters served by name, and the
     * bundles its long lists are carried in.
     */
    private record Hashed(Map<String, List<ScopeManifest.NamedHash>> byType, List<String> endpoints,
                          Map<String, String> bundles) {
    }

    /** The serialized clusters and assignments of the last model's publishes, by instance (worker thread only). */
    private Map<Message, Serialized> lastSerialized = new java.util.IdentityHashMap<>();
    private MeshModel lastSerializedModel;

    /** Where the last {@link #publish} spent its time, for the revision's log line. */
    private String lastPublish = "";

    /** Recomputes the scopes and publishes, in one transaction, every new resource and changed manifest. */
    private int publish(List<String> scopeIds) {
        Map<String, byte[]> newResources = new LinkedHashMap<>();
        Map<String, EndpointAssignment> newAssignments = new TreeMap<>();
        List<ScopeManifest> manifests = new ArrayList<>();
        // scopes with the same translation inputs share one computation (and one constraints check) per revision;
        // the distinct inputs are translated in parallel (translation is a pure function of immutable values)
        Map<String, ScopeTranslator.Inputs> inputsOf = new LinkedHashMap<>();
        Map<ScopeTranslator.Inputs, ProxyIdentity> representative = new LinkedHashMap<>();
        for (String scope : scopeIds) {
            ProxyIdentity identity = scopes.get(scope);
            if (identity == null || !hold.allows(scope)) {
                continue; // a held scope is published nothing: its proxies keep the config they have
            }
            ScopeTranslator.Inputs inputs = ScopeTranslator.inputsOf(model, identity);
            inputsOf.put(scope, inputs);
            representative.putIfAbsent(inputs, identity);
        }
        MeshModel current = model;
        long started = System.nanoTime();
        Map<ScopeTranslator.Inputs, Object> translated = new java.util.concurrent.ConcurrentHashMap<>();
        representative.entrySet().parallelStream().forEach(e -> {
            try {
                translated.put(e.getKey(), translator.translate(current, e.getValue()));
            } catch (RuntimeException failure) {
                translated.put(e.getKey(), failure);
            }
        });
        long translatedAt = System.nanoTime();
        Map<ScopeTranslator.Inputs, Hashed> computed = new HashMap<>();
        PublishMemo memo = new PublishMemo(lastSerialized);
        // by identity: a scope's live lists before (resources, endpoints), then its input's translation now
        Map<Map<String, List<ScopeManifest.NamedHash>>, Map<List<String>, Map<Hashed, Boolean>>> unchanged =
                new java.util.IdentityHashMap<>();
        for (Map.Entry<String, ScopeTranslator.Inputs> entry : inputsOf.entrySet()) {
            String scope = entry.getKey();
            try {
                Object result = translated.get(entry.getValue());
                if (result instanceof RuntimeException failure) {
                    throw failure;
                }
                Hashed hashed = computed.get(entry.getValue());
                if (hashed == null) {
                    // an assignment is the same for every scope unless it is arranged by the caller's locality
                    // and while a revision is held: the canaries' assignments by name would reach the held scopes too
                    boolean byName = entry.getValue().locality().isEmpty() && !hold.held();
                    hashed = hashes((XdsResources) result, byName, memo, newResources, newAssignments);
                    computed.put(entry.getValue(), hashed);
                }
                ScopeManifest before = published.get(scope);
                // a scope the revision did not change keeps its manifest: the coverage record says it is current
                // (the scopes of one input had one manifest's lists before too: each pair is compared once)
                Hashed compared = hashed;
                if (before == null || !unchanged.computeIfAbsent(before.resources(), b -> new java.util.IdentityHashMap<>())
                        .computeIfAbsent(before.endpoints(), b -> new java.util.IdentityHashMap<>())
                        .computeIfAbsent(hashed, h -> before.resources().equals(compared.byType())
                                && before.endpoints().equals(compared.endpoints()))) {
                    manifests.add(manifest(scope, hashed));
                }
            } catch (RuntimeException e) {
                LOG.error("translating scope {} failed; it keeps its previous config", scope, e);
                EVENTS.error("translating scope {} failed ({}); it keeps its previous config", scope, e.toString());
            }
        }
        long hashedAt = System.nanoTime();
        // kept for the next publish: added to while the model stays (arrivals publish a few scopes at a time),
        // replaced when it changes (what a new model took over is among the last one's)
        if (current != lastSerializedModel) {
            lastSerialized = new java.util.IdentityHashMap<>();
            lastSerializedModel = current;
        }
        lastSerialized.putAll(memo.clustersAndAssignments());
        commit(newResources, newAssignments, manifests);
        lastPublish = String.format("%d distinct input%s translated in %d ms, hashed and checked in %d ms, %d new resource%s "
                        + "and %d manifest%s written in %d ms", representative.size(), representative.size() == 1 ? "" : "s",
                (translatedAt - started) / 1_000_000, (hashedAt - translatedAt) / 1_000_000, newResources.size(),
                newResources.size() == 1 ? "" : "s", manifests.size(), manifests.size() == 1 ? "" : "s",
                (System.nanoTime() - hashedAt) / 1_000_000);
        return manifests.size();
    }

    /**
     * Writes new resources, changed assignments and manifests with the coverage record in one transaction and
     * records what the bus now holds; on failure, retries a full translation a second later by itself.
     */
    private void commit(Map<String, byte[]> newResources, Map<String, EndpointAssignment> newAssignments,
                        List<ScopeManifest> manifests) {
        try {
            if (publisher == null) {
                publisher = new ScopePublisher(bus); // after a failure: a fresh transactional producer
            }
            Map<String, ServedRevisions.Served> nextServed = served.next(scopes.keySet(), published, manifests,
                    newAssignments.keySet(), revisions, revisionAt);
            // the bus gets each manifest with its long lists in bundles; we keep the full one for our own books
            // a held scope is left out of the coverage: its old manifest does not mean the held revision changed nothing
            Map<String, ServedRevisions.Served> covered = new HashMap<>(nextServed);
            covered.keySet().removeIf(scope -> !hold.allows(scope));
            publisher.publish(newResources, newAssignments.values(),
                    manifests.stream().map(ManifestBundles::compact).toList(),
                    ServedRevisions.coverage(id, revisions, covered));
            publishedHashes.published(newResources.keySet());
            Map<String, String> assigned = new HashMap<>();
            newAssignments.forEach((name, a) -> assigned.put(name, a.hash()));
            publishedHashes.publishedAssignments(assigned);
            manifests.forEach(m -> publishedHashes.replaced(published.put(m.scope(), m), m));
            publishedHashes.forgetUnnamed(newResources.keySet());
            served.adopt(nextServed);
        } catch (KafkaException e) {
            LOG.error("publishing {} manifests failed; retrying in {} s", manifests.size(), RETRY_SECONDS, e);
            EVENTS.error("publishing the config of {} scopes failed ({}); retrying in {} s", manifests.size(), e.getMessage(), RETRY_SECONDS);
            if (publisher != null) {
                publisher.close();
                publisher = null;
            }
            // nothing else may trigger a recomputation soon: try again by ourselves
            if (!retryScheduled) {
                retryScheduled = true;
                worker.schedule(() -> {
                    retryScheduled = false;
                    if (model != null) {
                        publish(new ArrayList<>(scopes.keySet()));
                    }
                }, RETRY_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The resources by type as named content hashes, collecting the ones the bus does not have yet. With
     * {@code byName}, assignments are left out of the hashes and served by cluster name instead; those whose
     * content changed are collected as new assignments.
     */
    private Hashed hashes(XdsResources resources, boolean byName, PublishMemo memo,
                          Map<String, byte[]> newResources, Map<String, EndpointAssignment> newAssignments) {
        Map<String, List<ScopeManifest.NamedHash>> byType = new TreeMap<>();
        List<String> endpoints = new ArrayList<>();
        for (Map.Entry<XdsType, List<? extends Message>> type : resources.lists().entrySet()) {
            List<ScopeManifest.NamedHash> entries = new ArrayList<>(type.getValue().size());
            boolean assignments = byName && type.getKey() == XdsType.EDS;
            for (Message r : type.getValue()) {
                Serialized s = memo.serialized(r);
                String name = s.named().name();
                String hash = s.named().hash();
                if (assignments && !clusterLocal(name)) {
                    endpoints.add(name);
                    // an instance another input of this publish named was collected (or found on the bus) then
                    if (!memo.assigned.contains(r)) {
                        assignIfChanged(name, r, s.bytes(), hash, newAssignments, memo.clean);
                        memo.assigned.add(r); // after the check: a resource refused fails every input naming it
                    }
                    continue;
                }
                // a hash already published (or already checked in this batch) passed the check: same bytes, same verdict
                if (!memo.collected.contains(r)) {
                    if (!publishedHashes.contains(hash) && !newResources.containsKey(hash)) {
                        checkConstraints(type.getKey(), name, r, memo.clean);
                        newResources.put(hash, ResourceCodec.encode(s.bytes()));
                    }
                    memo.collected.add(r);
                }
                entries.add(s.named());
            }
            byType.put(type.getKey().typeUrl(), entries);
        }
        endpoints.sort(null);
        Map<String, String> bundles = new TreeMap<>();
        ManifestBundles.of(byType, endpoints).forEach((key, bundle) -> bundles.put(key, memo.bundles.computeIfAbsent(bundle, b -> {
            byte[] encoded = b.encode();
            String hash = ManifestBundles.hash(encoded);
            if (!publishedHashes.contains(hash)) {
                newResources.putIfAbsent(hash, encoded);
            }
            return hash;
        })));
        return new Hashed(byType, List.copyOf(endpoints), bundles);
    }

    /** A resource's deterministic serialization, with its name and content hash as a manifest names it. */
    private record Serialized(byte[] bytes, ScopeManifest.NamedHash named) {
    }

    /**
     * What one publish computes once however many distinct inputs name it. The translations of one model share their
     * resources ({@code MeshModel.derived}): each instance is serialized and hashed once (row D: 50 inputs of the same
     * 4,000 clusters and assignments), a route configuration from its virtual hosts' bytes, each serialized once
     * ({@link RouteConfigurationBytes}); each part is checked against Envoy's constraints once (parts found clean, by
     * identity); each bundle (by content: 50 inputs' equal cluster lists) is encoded and hashed once.
     */
    private static final class PublishMemo {
        private final Map<Message, Serialized> serialized = new java.util.IdentityHashMap<>();
        /** The last publish's clusters and assignments: the next model takes most of them over ({@link MeshModel#adopt}). */
        private final Map<Message, Serialized> earlier;
        private final RouteConfigurationBytes routes = new RouteConfigurationBytes();
        final java.util.Set<Message> clean = identitySet();
        /** Instances already collected as new resources or found on the bus, and assignments likewise: once a publish. */
        final java.util.Set<Message> collected = identitySet();
        final java.util.Set<Message> assigned = identitySet();
        final Map<io.strait.bus.envelope.ResourceBundle, String> bundles = new HashMap<>();

        private static java.util.Set<Message> identitySet() {
            return java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        }

        PublishMemo(Map<Message, Serialized> earlier) {
            this.earlier = earlier;
        }

        /** What the next publish may find again: clusters and assignments (a route configuration is new each model). */
        Map<Message, Serialized> clustersAndAssignments() {
            Map<Message, Serialized> out = new java.util.IdentityHashMap<>();
            serialized.forEach((m, s) -> {
                if (m instanceof io.envoyproxy.envoy.config.cluster.v3.Cluster
                        || m instanceof io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment) {
                    out.put(m, s);
                }
            });
            return out;
        }

        Serialized serialized(Message resource) {
            Serialized known = serialized.get(resource);
            if (known == null) {
                known = earlier.get(resource);
            }
            if (known == null) {
                byte[] bytes = resource instanceof io.envoyproxy.envoy.config.route.v3.RouteConfiguration route
                        ? routes.serialize(route) : ContentHash.serialize(resource);
                known = new Serialized(bytes, new ScopeManifest.NamedHash(XdsResources.nameOf(resource), ContentHash.of(bytes)));
            }
            serialized.put(resource, known);
            return known;
        }
    }

    /** Whether a cluster is of a cluster-local host: its endpoints are the caller's cluster's, so not served by name. */
    private boolean clusterLocal(String cluster) {
        return model.hasClusterLocalServices()
                && ScopeTranslator.hostOf(cluster).map(model::isClusterLocal).orElse(false); // hostOf reads `~<network>` names too
    }

    /**
     * Collects the assignment of a cluster served by name unless the bus already has it from us (or this batch
     * holds it), after Envoy's constraints check.
     */
    private void assignIfChanged(String cluster, Message cla, byte[] bytes, String hash, Map<String, EndpointAssignment> into,
                                 java.util.Set<Message> clean) {
        if (!publishedHashes.assignmentIs(cluster, hash) && !into.containsKey(cluster)) {
            checkConstraints(XdsType.EDS, cluster, cla, clean);
            into.put(cluster, new EndpointAssignment(1, cluster, hash, ResourceCodec.encode(bytes), revisions, revisionAt));
        }
    }

    private static void checkConstraints(XdsType type, String name, Message resource, java.util.Set<Message> clean) {
        List<String> violations = EnvoyConstraints.violations(resource, clean);
        if (!violations.isEmpty()) {
            throw new IllegalStateException("translator bug: " + type + " " + name
                    + " breaks Envoy's constraints, so it is not sent: " + violations);
        }
    }

    private ScopeManifest manifest(String scope, Hashed hashed) {
        ScopeManifest before = published.get(scope);
        long generation = Math.max(System.currentTimeMillis(), before == null ? 0 : before.generation() + 1);
        return new ScopeManifest(1, scope, generation, revisions, hashed.byType(), hashed.endpoints(), hashed.bundles(),
                System.currentTimeMillis(), revisionAt);
    }

    @Override
    public void close() {
        ownership.close();
        follower.close();
        tombstones.close();
        registryFollower.close();
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (janitor != null) {
            janitor.close();
        }
        rollouts.close();
    }
}
