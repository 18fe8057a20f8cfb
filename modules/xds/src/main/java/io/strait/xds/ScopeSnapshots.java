package io.strait.xds;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.strait.bus.envelope.ResourceBundle;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.wire.ContentHash;
import io.strait.bus.wire.ResourceCodec;
import io.strait.bus.wire.XdsType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns manifests and content-addressed resources from the bus into java-control-plane snapshots, one per scope.
 * Each unique resource is held once, whatever the number of scopes naming it. A manifest is applied only when
 * every resource it names has arrived (make-before-break), and versions are derived from the hashes, so every
 * front reports the same version for the same config. Not thread-safe: called from the front's poll thread.
 *
 * <p>Assignments served by name ({@link ScopeManifest#endpoints()}) come from {@code strait.xds.endpoints.v1}: a
 * new assignment re-serves exactly the scopes that name its cluster, with no manifest involved. What a front serves
 * a scope is then its manifest with those assignments filled in, and it is served from the newest of their
 * revisions (the translators' coverage records say the same).
 */
final class ScopeSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(ScopeSnapshots.class);

    private final SimpleCache<String> cache;
    private final ExecutorService fanOut;
    private final Map<String, Message> resources = new HashMap<>();
    private final Map<String, ResourceBundle> bundles = new HashMap<>();
    private final Map<String, ScopeManifest> pending = new HashMap<>();
    /** Per scope, the manifest live from the bus (as published) and what is served (assignments filled in). */
    private final Map<String, ScopeManifest> base = new HashMap<>();
    private final Map<String, ScopeManifest> applied = new ConcurrentHashMap<>();
    private final Map<String, Assignment> assignments = new HashMap<>();
    /** Per cluster served by name, the scopes whose live manifest names it. */
    private final Map<String, java.util.Set<String>> scopesByCluster = new HashMap<>();
    /** Scopes whose assignments changed since the last {@link #flush()}. */
    private final java.util.Set<String> dirty = new java.util.LinkedHashSet<>();
    /** Something arrived since the last {@link #flush()}: waiting manifests may be complete now. */
    private boolean retryPending;
    private final Consumer<ScopeManifest> onApplied;
    private boolean live;
    private final java.util.function.LongSupplier clock;
    private final Sweeper hashSweep;
    private final Sweeper nameSweep;
    private final long sweepEvery;
    private long lastSweep;
    private static final long STUCK_NANOS = java.time.Duration.ofSeconds(5).toNanos();
    /** Tombstoned since the last flush: forgotten then unless a live or waiting manifest names them. */
    private final java.util.Set<String> goneHashes = new java.util.HashSet<>();
    private final java.util.Set<String> goneClusters = new java.util.HashSet<>();
    /** When each waiting manifest started waiting (MIN_VALUE once reported). */
    private final Map<ScopeManifest, Long> pendingSince = new java.util.IdentityHashMap<>();

    /**
     * @param cache     the cache the xDS server watches
     * @param fanOut    where {@code setSnapshot} runs (it answers every waiting stream on the calling thread)
     * @param onApplied told of each manifest once it is live
     */
    ScopeSnapshots(SimpleCache<String> cache, ExecutorService fanOut, Consumer<ScopeManifest> onApplied) {
        this(cache, fanOut, onApplied, java.time.Duration.ofSeconds(60), System::nanoTime);
    }

    /**
     * @param grace how long an entry no manifest names is kept before it is forgotten
     * @param clock nanoTime source
     */
    ScopeSnapshots(SimpleCache<String> cache, ExecutorService fanOut, Consumer<ScopeManifest> onApplied,
                   java.time.Duration grace, java.util.function.LongSupplier clock) {
        this.cache = cache;
        this.fanOut = fanOut;
        this.onApplied = onApplied;
        this.clock = clock;
        this.hashSweep = new Sweeper(grace.toNanos());
        this.nameSweep = new Sweeper(grace.toNanos());
        this.sweepEvery = Math.min(grace.toNanos(), java.time.Duration.ofSeconds(10).toNanos());
        this.lastSweep = clock.getAsLong();
    }

    void resource(String hash, byte[] value) {
        goneHashes.remove(hash); // written again after its tombstone
        if (ResourceBundle.isBundle(value)) {
            bundles.put(hash, ResourceBundle.decode(value));
        } else {
            resources.put(hash, ResourceCodec.decode(value));
        }
        retryPending = true;
    }

    /** One assignment served by name, decoded once. */
    private record Assignment(String hash, ClusterLoadAssignment cla, Map<String, String> revisions, long revisionAt) {
    }

    /**
     * A new assignment for a cluster served by name. One older than the one held (a translator lagging behind) or
     * with the same content is ignored; otherwise every scope naming the cluster is re-served at the next flush.
     */
    void assignment(io.strait.bus.envelope.EndpointAssignment record) {
        goneClusters.remove(record.cluster()); // written again after its tombstone
        Assignment held = assignments.get(record.cluster());
        if (held != null && (held.revisionAt() > record.revisionAt() || held.hash().equals(record.hash()))) {
            return;
        }
        assignments.put(record.cluster(), new Assignment(record.hash(),
                (ClusterLoadAssignment) ResourceCodec.decode(record.resource()), record.revisions(), record.revisionAt()));
        if (live) {
            dirty.addAll(scopesByCluster.getOrDefault(record.cluster(), java.util.Set.of()));
        }
        retryPending = true;
    }

    /**
     * The end of a batch of records: waiting manifests are tried again if something arrived (once per batch, not
     * once per resource), and the scopes whose assignments changed are re-served, once each.
     */
    void flush() {
        if (live && retryPending && !pending.isEmpty()) {
            for (ScopeManifest m : List.copyOf(pending.values())) {
                tryApply(m);
            }
        }
        retryPending = false;
        for (String scope : dirty) {
            ScopeManifest m = base.get(scope);
            if (m != null && !pending.containsKey(scope)) {
                serve(m);
            }
        }
        dirty.clear();
        if (live) {
            forgetGone();
        }
        long now = clock.getAsLong();
        reportStuck(now);
        if (live && now - lastSweep >= sweepEvery) {
            lastSweep = now;
            sweep(now);
        }
    }

    /**
     * Says once, per manifest, what a manifest held back for more than {@link #STUCK_NANOS} still waits for: a
     * resource or an assignment that does not arrive is a fault somewhere upstream, and this names it.
     */
    private void reportStuck(long now) {
        if (!live) {
            return;
        }
        java.util.Set<ScopeManifest> waiting = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        waiting.addAll(pending.values());
        pendingSince.keySet().retainAll(waiting);
        for (ScopeManifest m : waiting) {
            long since = pendingSince.computeIfAbsent(m, k -> now);
            if (since != Long.MIN_VALUE && now - since > STUCK_NANOS) {
                pendingSince.put(m, Long.MIN_VALUE); // said once
                List<String> missing = new ArrayList<>();
                m.bundles().values().stream().filter(b -> !bundles.containsKey(b)).forEach(b -> missing.add("bundle " + b));
                if (missing.isEmpty()) {
                    ScopeManifest full = expanded(m);
                    full.resources().values().forEach(list -> list.stream().filter(r -> !resources.containsKey(r.hash()))
                            .forEach(r -> missing.add(r.name() + " (" + r.hash() + ")")));
                    full.endpoints().stream().filter(c -> !assignments.containsKey(c)).forEach(c -> missing.add("assignment " + c));
                }
                LOG.warn("manifest generation {} of scope {} has waited {} s for {} of its parts: {}", m.generation(), m.scope(),
                        (now - since) / 1_000_000_000L, missing.size(), missing.stream().limit(10).toList());
            }
        }
    }

    /** A tombstone on {@code strait.xds.resources.v1}: forgotten at the next flush unless a manifest names it. */
    void resourceGone(String hash) {
        goneHashes.add(hash);
    }

    /** A tombstone on {@code strait.xds.endpoints.v1}: forgotten at the next flush unless a manifest names the cluster. */
    void assignmentGone(String cluster) {
        goneClusters.add(cluster);
    }

    /**
     * Forgets what was tombstoned and no live or waiting manifest names. One that a manifest names stays (a translator
     * writes it again: it was named again as the janitor deleted it) and is swept as usual once unnamed.
     */
    private void forgetGone() {
        if (goneHashes.isEmpty() && goneClusters.isEmpty()) {
            return;
        }
        java.util.Set<String> hashes = new java.util.HashSet<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        referenced(hashes, names);
        goneHashes.removeAll(hashes);
        goneClusters.removeAll(names);
        goneHashes.forEach(h -> {
            resources.remove(h);
            bundles.remove(h);
        });
        assignments.keySet().removeAll(goneClusters);
        goneHashes.clear();
        goneClusters.clear();
    }

    /** Every hash and cluster name a live or waiting manifest names. */
    private void referenced(java.util.Set<String> hashes, java.util.Set<String> names) {
        base.values().forEach(m -> references(m, hashes, names));
        for (ScopeManifest m : pending.values()) {
            references(m, hashes, names);
            for (String b : m.bundles().values()) {
                ResourceBundle bundle = bundles.get(b);
                if (bundle != null) {
                    bundle.entries().forEach(e -> hashes.add(e.hash()));
                    names.addAll(bundle.names());
                }
            }
        }
    }

    /** Forgets resources, bundles and assignments that no live or waiting manifest has named for the grace period. */
    private void sweep(long now) {
        java.util.Set<String> hashes = new java.util.HashSet<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        referenced(hashes, names);
        java.util.Set<String> held = new java.util.HashSet<>(resources.keySet());
        held.addAll(bundles.keySet());
        java.util.Set<String> forgotten = hashSweep.sweep(held, hashes, now);
        forgotten.forEach(h -> {
            resources.remove(h);
            bundles.remove(h);
        });
        java.util.Set<String> unnamed = nameSweep.sweep(assignments.keySet(), names, now);
        assignments.keySet().removeAll(unnamed);
        if (!forgotten.isEmpty() || !unnamed.isEmpty()) {
            LOG.info("forgot {} resources and {} assignments no manifest has named for a while", forgotten.size(), unnamed.size());
        }
    }

    private static void references(ScopeManifest m, java.util.Set<String> hashes, java.util.Set<String> names) {
        hashes.addAll(m.contentHashes());
        names.addAll(m.endpoints());
    }

    /** How many resources and bundles the front holds (for tests and the debug view). */
    int held() {
        return resources.size() + bundles.size();
    }

    void manifest(ScopeManifest manifest) {
        ScopeManifest current = base.get(manifest.scope());
        ScopeManifest waiting = pending.get(manifest.scope());
        if ((current != null && current.generation() >= manifest.generation())
                || (waiting != null && waiting.generation() >= manifest.generation())) {
            return; // an older manifest re-read after a newer one: keep the newer
        }
        pending.put(manifest.scope(), manifest);
        if (live) {
            tryApply(manifest);
        }
    }

    /**
     * The topics have been read to the end: apply the newest manifest of every scope. Until then nothing is applied,
     * so a front that is catching up never serves an older manifest that a newer one in the log replaces.
     */
    void goLive() {
        live = true;
        for (ScopeManifest m : List.copyOf(pending.values())) {
            tryApply(m);
        }
        forgetGone();
    }

    /** The manifest live for a scope, or null. */
    ScopeManifest applied(String scope) {
        return applied.get(scope);
    }

    private void tryApply(ScopeManifest onBus) {
        for (String bundle : onBus.bundles().values()) {
            if (!bundles.containsKey(bundle)) {
                return; // wait for it, as for any resource
            }
        }
        ScopeManifest m = expanded(onBus);
        for (List<ScopeManifest.NamedHash> list : m.resources().values()) {
            for (ScopeManifest.NamedHash r : list) {
                if (!resources.containsKey(r.hash())) {
                    return; // wait for it: never serve a manifest whose resources are not all here
                }
            }
        }
        for (String cluster : m.endpoints()) {
            if (!assignments.containsKey(cluster)) {
                return;
            }
        }
        pending.remove(m.scope());
        ScopeManifest before = base.put(m.scope(), m);
        if (before != null) {
            before.endpoints().forEach(c -> scopesByCluster.computeIfPresent(c, (k, scopes) -> {
                scopes.remove(m.scope());
                return scopes.isEmpty() ? null : scopes;
            }));
        }
        m.endpoints().forEach(c -> scopesByCluster.computeIfAbsent(c, k -> new java.util.HashSet<>()).add(m.scope()));
        serve(m);
    }

    /** The manifest with the lists it carries in bundles put back in place. */
    private ScopeManifest expanded(ScopeManifest m) {
        if (m.bundles().isEmpty()) {
            return m;
        }
        Map<String, List<ScopeManifest.NamedHash>> byType = new java.util.TreeMap<>(m.resources());
        List<String> endpoints = m.endpoints();
        for (Map.Entry<String, String> b : m.bundles().entrySet()) {
            ResourceBundle bundle = bundles.get(b.getValue());
            if (b.getKey().equals(ScopeManifest.ENDPOINTS_BUNDLE)) {
                endpoints = bundle.names();
            } else {
                byType.put(b.getKey(), bundle.entries());
            }
        }
        return new ScopeManifest(m.v(), m.scope(), m.generation(), m.revisions(), byType, endpoints, m.bundles(),
                m.builtAt(), m.revisionAt());
    }

    /** Serves a scope its manifest with the assignments it names by cluster filled in. */
    private void serve(ScopeManifest published) {
        ScopeManifest m = withAssignments(published);
        Snapshot snapshot = new ScopeSnapshot(Snapshot.create(
                typed(m, XdsType.CDS, Cluster.class), version(m, XdsType.CDS),
                typed(m, XdsType.EDS, ClusterLoadAssignment.class), version(m, XdsType.EDS),
                typed(m, XdsType.LDS, Listener.class), version(m, XdsType.LDS),
                typed(m, XdsType.RDS, RouteConfiguration.class), version(m, XdsType.RDS),
                List.of(), ""), hashes(m));
        applied.put(m.scope(), m);
        fanOut.execute(() -> {
            try {
                cache.setSnapshot(m.scope(), snapshot);
                onApplied.accept(m);
            } catch (RuntimeException e) {
                LOG.error("applying manifest generation {} of scope {} failed", m.generation(), m.scope(), e);
            }
        });
    }

    /**
     * The manifest as served: assignments named by cluster listed with their current hashes after those it carries,
     * and the revisions of the newest of the manifest and those assignments.
     */
    private ScopeManifest withAssignments(ScopeManifest m) {
        if (m.endpoints().isEmpty()) {
            return m;
        }
        String eds = XdsType.EDS.typeUrl();
        List<ScopeManifest.NamedHash> entries = new ArrayList<>(m.resources().getOrDefault(eds, List.of()));
        Map<String, String> revisions = m.revisions();
        long revisionAt = m.revisionAt();
        for (String cluster : m.endpoints()) {
            Assignment a = assignments.get(cluster);
            entries.add(new ScopeManifest.NamedHash(cluster, a.hash()));
            if (a.revisionAt() > revisionAt) {
                revisions = a.revisions();
                revisionAt = a.revisionAt();
            }
        }
        Map<String, List<ScopeManifest.NamedHash>> byType = new java.util.TreeMap<>(m.resources());
        byType.put(eds, entries);
        return new ScopeManifest(m.v(), m.scope(), m.generation(), revisions, byType, m.endpoints(), m.bundles(),
                m.builtAt(), revisionAt);
    }

    private static Map<io.envoyproxy.controlplane.cache.Resources.ResourceType, Map<String, String>> hashes(ScopeManifest m) {
        Map<io.envoyproxy.controlplane.cache.Resources.ResourceType, Map<String, String>> out = new java.util.EnumMap<>(
                io.envoyproxy.controlplane.cache.Resources.ResourceType.class);
        for (XdsType type : XdsType.values()) {
            Map<String, String> byName = new HashMap<>();
            m.resources().getOrDefault(type.typeUrl(), List.of()).forEach(r -> byName.put(r.name(), r.hash()));
            out.put(switch (type) {
                case CDS -> io.envoyproxy.controlplane.cache.Resources.ResourceType.CLUSTER;
                case EDS -> io.envoyproxy.controlplane.cache.Resources.ResourceType.ENDPOINT;
                case LDS -> io.envoyproxy.controlplane.cache.Resources.ResourceType.LISTENER;
                case RDS -> io.envoyproxy.controlplane.cache.Resources.ResourceType.ROUTE;
            }, byName);
        }
        return out;
    }

    private <T extends Message> List<T> typed(ScopeManifest m, XdsType type, Class<T> cls) {
        List<T> out = new ArrayList<>();
        for (ScopeManifest.NamedHash r : m.resources().getOrDefault(type.typeUrl(), List.of())) {
            Message resource = resources.get(r.hash());
            if (resource == null && type == XdsType.EDS) {
                resource = assignments.get(r.name()).cla(); // served by name
            }
            out.add(cls.cast(resource));
        }
        return out;
    }

    /** The version of one type: a hash of its name=hash pairs, the same on every front. */
    static String version(ScopeManifest m, XdsType type) {
        List<String> parts = new ArrayList<>();
        for (ScopeManifest.NamedHash r : m.resources().getOrDefault(type.typeUrl(), List.of())) {
            parts.add(r.name() + "=" + r.hash());
        }
        return ContentHash.ofStrings(parts);
    }
}
