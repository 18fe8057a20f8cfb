package io.strait.xds;

import com.google.protobuf.Any;
import io.strait.bus.envelope.ResourceBundle;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.wire.ContentHash;
import io.strait.bus.wire.XdsType;
import io.strait.xds.ads.ScopeView;
import io.strait.xds.ads.ServedResource;
import io.strait.xds.ads.TypeView;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns manifests and content-addressed resources from the bus into {@link ScopeView}s, one per scope. Each unique
 * resource is held once ({@link HeldResources}), whatever the number of scopes naming it, and so is each type's view
 * of the same content ({@link HeldViews}). A manifest is applied only when every resource it names has arrived
 * (make-before-break), and versions are derived from the hashes, so every front reports the same version for the same
 * config. Not thread-safe: called from the front's poll thread.
 *
 * <p>Assignments served by name ({@link ScopeManifest#endpoints()}) come from {@code strait.xds.endpoints.v1}
 * ({@link HeldAssignments}): a new assignment re-serves exactly the scopes that name its cluster, with no manifest
 * involved. What a front serves a scope is then its manifest with those assignments filled in, and it is served from the
 * newest of their revisions (the translators' coverage records say the same). What nobody names is forgotten after a
 * grace ({@link HeldSweep}); what a manifest waits for too long is reported ({@link StuckManifests}).
 */
final class ScopeSnapshots {
    private static final Logger LOG = LoggerFactory.getLogger(ScopeSnapshots.class);

    private final Consumer<List<ScopeView>> publish;
    /** Views served since the last {@link #flush()}: published together, in one fan-out pass. */
    private final Map<String, ScopeView> toPublish = new java.util.LinkedHashMap<>();
    private final ExecutorService fanOut;
    private final HeldResources resources = new HeldResources();
    private final HeldAssignments assignments = new HeldAssignments();
    private final Map<String, ScopeManifest> pending = new HashMap<>();
    /** Per scope, the manifest live from the bus (as published) and what is served (assignments filled in). */
    private final Map<String, ScopeManifest> base = new HashMap<>();
    private final Map<String, ScopeManifest> applied = new ConcurrentHashMap<>();
    /** Per scope, the view last built: a type whose version did not move keeps its view instance. */
    private final Map<String, ScopeView> views = new HashMap<>();
    /** Every scope's type views, one instance per content whatever the number of scopes serving it. */
    private final HeldViews typeViews = new HeldViews();
    /** Scopes whose assignments changed since the last {@link #flush()}. */
    private final Set<String> dirty = new LinkedHashSet<>();
    /** Something arrived since the last {@link #flush()}: waiting manifests may be complete now. */
    private boolean retryPending;
    private final Consumer<ScopeView> onApplied;
    private boolean live;
    private final java.util.function.LongSupplier clock;
    private final HeldSweep sweep;
    private final StuckManifests stuck = new StuckManifests();
    /** Tombstoned since the last flush: forgotten then unless a live or waiting manifest names them. */
    private final Set<String> goneHashes = new java.util.HashSet<>();
    private final Set<String> goneClusters = new java.util.HashSet<>();
    /**
     * Within one batch of records, each list's version and whether each list's hashes are all held, by the list's
     * identity: scopes translated alike name the same bundles, whose lists are one instance here, and those served by
     * name share one list of assignments — a revision of 200 scopes of 3,000 clusters hashes each distinct list once,
     * not 200 times. Cleared at every {@link #flush()}, so nothing is kept beyond the batch it was computed in.
     */
    private final Map<List<ScopeManifest.NamedHash>, String> versions = new java.util.IdentityHashMap<>();
    private final Set<Object> complete = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    /**
     * @param publish   where the scopes' new views go (the ADS engine), those of one batch of records together, on the
     *                  fan-out executor (so a change reaching 200 scopes of the same content is one pass, whose
     *                  responses every scope's streams share)
     * @param fanOut    where publishing runs: it sends to every stream of the scopes
     * @param onApplied told of each scope's view once it is live (on the fan-out executor, after the engine)
     */
    ScopeSnapshots(Consumer<List<ScopeView>> publish, ExecutorService fanOut, Consumer<ScopeView> onApplied) {
        this(publish, fanOut, onApplied, java.time.Duration.ofSeconds(60), System::nanoTime);
    }

    /**
     * @param grace how long an entry no manifest names is kept before it is forgotten
     * @param clock nanoTime source
     */
    ScopeSnapshots(Consumer<List<ScopeView>> publish, ExecutorService fanOut, Consumer<ScopeView> onApplied,
                   java.time.Duration grace, java.util.function.LongSupplier clock) {
        this.publish = publish;
        this.fanOut = fanOut;
        this.onApplied = onApplied;
        this.clock = clock;
        this.sweep = new HeldSweep(grace.toNanos(), clock.getAsLong());
    }

    void resource(String hash, byte[] value) {
        goneHashes.remove(hash); // written again after its tombstone
        resources.put(hash, value);
        retryPending = true;
    }

    /**
     * A new assignment for a cluster served by name. One older than the one held (a translator lagging behind) or
     * with the same content is ignored; otherwise every scope naming the cluster is re-served at the next flush.
     */
    void assignment(io.strait.bus.envelope.EndpointAssignment record) {
        goneClusters.remove(record.cluster()); // written again after its tombstone
        if (!assignments.offer(record)) {
            return;
        }
        if (live) {
            dirty.addAll(assignments.scopesNaming(record.cluster()));
        }
        retryPending = true;
    }

    /**
     * The end of a batch of records: waiting manifests are tried again if something arrived (once per batch, not
     * once per resource), and the scopes whose assignments changed are re-served, once each.
     */
    void flush() {
        try {
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
        } finally {
            // whatever one scope threw, what the others were served goes out, and the batch's memos end with it
            dirty.clear();
            publishServed();
            versions.clear();
            complete.clear();
        }
        if (live) {
            forgetGone();
            long now = clock.getAsLong();
            stuck.report(now, pending.values(), resources, assignments, this::expanded);
            sweep.maybeSweep(now, base.values(), pending.values(), resources, assignments);
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
        Set<String> hashes = new java.util.HashSet<>();
        Set<String> names = new java.util.HashSet<>();
        HeldSweep.referenced(base.values(), pending.values(), resources, hashes, names);
        goneHashes.removeAll(hashes);
        goneClusters.removeAll(names);
        resources.forget(goneHashes);
        assignments.forget(goneClusters);
        goneHashes.clear();
        goneClusters.clear();
    }

    /** How many resources and bundles the front holds (for tests and the debug view). */
    int held() {
        return resources.size();
    }

    /** How many distinct type views the front's scopes serve (for tests and the debug view). */
    int typeViewsHeld() {
        return typeViews.size();
    }

    /** A manifest from the bus; once it is complete and live, its scope's view goes out at the next {@link #flush()}. */
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
        publishServed();
        versions.clear();
        complete.clear();
    }

    /** The manifest live for a scope, or null. */
    ScopeManifest applied(String scope) {
        return applied.get(scope);
    }

    private void tryApply(ScopeManifest onBus) {
        for (String bundle : onBus.bundles().values()) {
            if (!resources.hasBundle(bundle)) {
                return; // wait for it, as for any resource
            }
        }
        ScopeManifest m = expanded(onBus);
        for (List<ScopeManifest.NamedHash> list : m.resources().values()) {
            if (complete.contains(list)) {
                continue;
            }
            for (ScopeManifest.NamedHash r : list) {
                if (!resources.hasResource(r.hash())) {
                    return; // wait for it: never serve a manifest whose resources are not all here
                }
            }
            complete.add(list); // until the batch ends: a record that removes one would be a tombstone, read after it
        }
        if (!complete.contains(m.endpoints())) {
            for (String cluster : m.endpoints()) {
                if (!assignments.has(cluster)) {
                    return;
                }
            }
            complete.add(m.endpoints());
        }
        pending.remove(m.scope());
        assignments.live(m.scope(), base.put(m.scope(), m), m);
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
            ResourceBundle bundle = resources.bundle(b.getValue());
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
        ScopeView before = views.get(m.scope());
        Map<XdsType, TypeView> types = new EnumMap<>(XdsType.class);
        for (XdsType type : XdsType.values()) {
            String version = versions.computeIfAbsent(m.resources().getOrDefault(type.typeUrl(), List.of()), ScopeSnapshots::version);
            TypeView kept = before == null ? null : before.type(type);
            if (kept != null && kept.version().equals(version)) {
                types.put(type, kept);
                continue;
            }
            types.put(type, typeViews.use(type, version, () -> typeView(m, type, version)));
            if (kept != null) {
                typeViews.release(type, kept);
            }
        }
        ScopeView view = new ScopeView(m, types);
        views.put(m.scope(), view);
        applied.put(m.scope(), m);
        toPublish.put(m.scope(), view); // a scope served twice in a batch (its manifest, then an assignment) goes out once
    }

    /** Hands the views served since the last call to the fan-out executor, in one task. */
    private void publishServed() {
        if (toPublish.isEmpty()) {
            return;
        }
        List<ScopeView> batch = List.copyOf(toPublish.values());
        toPublish.clear();
        fanOut.execute(() -> {
            try {
                publish.accept(batch);
            } catch (RuntimeException e) {
                LOG.error("publishing {} scope views failed", batch.size(), e);
            }
            for (ScopeView view : batch) {
                try {
                    onApplied.accept(view);
                } catch (RuntimeException e) {
                    LOG.error("recording manifest generation {} of scope {} failed", view.manifest().generation(), view.scope(), e);
                }
            }
        });
    }

    private TypeView typeView(ScopeManifest m, XdsType type, String version) {
        List<ServedResource> out = new ArrayList<>();
        for (ScopeManifest.NamedHash r : m.resources().getOrDefault(type.typeUrl(), List.of())) {
            Any any = resources.resource(r.hash());
            if (any == null && type == XdsType.EDS) {
                any = assignments.get(r.name()).any(); // served by name
            }
            out.add(new ServedResource(r.name(), r.hash(), any));
        }
        return new TypeView(type.typeUrl(), version, out);
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
        HeldAssignments.Served byName = assignments.served(m.endpoints()); // shared by the scopes naming the same clusters
        List<ScopeManifest.NamedHash> carried = m.resources().getOrDefault(eds, List.of());
        List<ScopeManifest.NamedHash> entries = byName.entries();
        if (!carried.isEmpty()) {
            entries = new ArrayList<>(carried);
            entries.addAll(byName.entries());
        }
        Map<String, String> revisions = m.revisions();
        long revisionAt = m.revisionAt();
        if (byName.newest() != null && byName.newest().revisionAt() > revisionAt) {
            revisions = byName.newest().revisions();
            revisionAt = byName.newest().revisionAt();
        }
        Map<String, List<ScopeManifest.NamedHash>> byType = new java.util.TreeMap<>(m.resources());
        byType.put(eds, entries);
        return new ScopeManifest(m.v(), m.scope(), m.generation(), revisions, byType, m.endpoints(), m.bundles(),
                m.builtAt(), revisionAt);
    }

    /** The version of one type: a hash of its name=hash pairs, the same on every front. */
    static String version(ScopeManifest m, XdsType type) {
        return version(m.resources().getOrDefault(type.typeUrl(), List.of()));
    }

    private static String version(List<ScopeManifest.NamedHash> resources) {
        List<String> parts = new ArrayList<>(resources.size());
        for (ScopeManifest.NamedHash r : resources) {
            parts.add(r.name() + "=" + r.hash());
        }
        return ContentHash.ofStrings(parts);
    }
}
