package io.strait.translate.janitor;

import io.strait.bus.envelope.ResourceBundle;
import io.strait.bus.envelope.ScopeManifest;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the janitor has read of the xDS topics: the latest manifest of every scope, the bundles (whose entries the
 * manifests name through them), and per key of the resources and endpoints topics when it was last named or written.
 * Times are the janitor's own clock when it read the record, never the record's: a janitor that starts reading an old
 * log gives every key a full retention from its start. Plain Java, not thread-safe: fed by the janitor's poll thread
 * ({@link BusJanitor}); public for the tests of the translators' side of the race.
 */
public final class JanitorLedger {
    private final Map<String, ScopeManifest> manifests = new HashMap<>();
    private final Map<String, ResourceBundle> bundles = new HashMap<>();
    private final Map<String, Long> resources = new HashMap<>();
    private final Map<String, Long> clusters = new HashMap<>();

    /** A record of {@code strait.xds.resources.v1}: a write counts as a naming (a translator is about to use it). */
    public void resource(String key, byte[] value, long now) {
        if (value == null) {
            resources.remove(key);
            bundles.remove(key);
            return;
        }
        resources.put(key, now);
        if (ResourceBundle.isBundle(value)) {
            ResourceBundle bundle = ResourceBundle.decode(value);
            bundles.put(key, bundle);
            bundle.entries().forEach(e -> touchResource(e.hash(), now));
            bundle.names().forEach(c -> touchCluster(c, now));
        }
    }

    /** A record of {@code strait.xds.endpoints.v1}; a write counts as a naming. */
    public void assignment(String cluster, boolean present, long now) {
        if (present) {
            clusters.put(cluster, now);
        } else {
            clusters.remove(cluster);
        }
    }

    /** A record of {@code strait.xds.scopes.v1}: the scope's live manifest, or null for a tombstone. */
    public void manifest(String scope, ScopeManifest manifest, long now) {
        // what the manifest it replaces named was named until now
        ScopeManifest before = manifest == null ? manifests.remove(scope) : manifests.put(scope, manifest);
        Set<String> hashes = new HashSet<>();
        Set<String> names = new HashSet<>();
        if (before != null) {
            names(before, hashes, names);
        }
        if (manifest != null) {
            names(manifest, hashes, names);
        }
        hashes.forEach(h -> touchResource(h, now));
        names.forEach(c -> touchCluster(c, now));
    }

    private void touchResource(String key, long now) {
        resources.computeIfPresent(key, (k, at) -> Math.max(at, now));
    }

    private void touchCluster(String key, long now) {
        clusters.computeIfPresent(key, (k, at) -> Math.max(at, now));
    }

    private void names(ScopeManifest m, Set<String> hashes, Set<String> clusterNames) {
        hashes.addAll(m.contentHashes());
        clusterNames.addAll(m.endpoints());
        for (String b : m.bundles().values()) {
            ResourceBundle bundle = bundles.get(b);
            if (bundle != null) {
                bundle.entries().forEach(e -> hashes.add(e.hash()));
                clusterNames.addAll(bundle.names());
            }
        }
    }

    /**
     * A bundle some live manifest names that this janitor does not hold, if any. While there is one, what the
     * manifests name is not fully known, and nothing is swept: its entries could be among the candidates.
     */
    public Optional<String> missingBundle() {
        for (ScopeManifest m : manifests.values()) {
            for (String b : m.bundles().values()) {
                if (!bundles.containsKey(b)) {
                    return Optional.of("bundle " + b + " of scope " + m.scope());
                }
            }
        }
        return Optional.empty();
    }

    /** What the live manifests name now. */
    public JanitorPlan.Named named() {
        Set<String> hashes = new HashSet<>();
        Set<String> names = new HashSet<>();
        manifests.values().forEach(m -> names(m, hashes, names));
        return new JanitorPlan.Named(hashes, names);
    }

    /**
     * This sweep's plan: what the live manifests name is marked as named now, then what has gone unnamed for the
     * retention is planned for a tombstone (and forgotten here, so the next sweep does not plan it again before the
     * tombstone is read back). Nothing while a named bundle is missing.
     */
    public JanitorPlan sweep(long now, Duration retention) {
        if (missingBundle().isPresent()) {
            return JanitorPlan.NONE;
        }
        JanitorPlan.Named named = named();
        named.hashes().forEach(h -> touchResource(h, now));
        named.clusters().forEach(c -> touchCluster(c, now));
        JanitorPlan plan = JanitorPlan.decide(Collections.unmodifiableMap(resources), Collections.unmodifiableMap(clusters),
                named, now, retention);
        plan.resources().forEach(h -> {
            resources.remove(h);
            bundles.remove(h);
        });
        plan.clusters().forEach(clusters::remove);
        return plan;
    }

    /** A plan whose tombstones could not be written: its keys are held again, as last named {@code at}. */
    public void unplanned(JanitorPlan plan, long at) {
        plan.resources().forEach(h -> resources.putIfAbsent(h, at));
        plan.clusters().forEach(c -> clusters.putIfAbsent(c, at));
    }

    /** How many scopes have a live manifest. */
    public int manifests() {
        return manifests.size();
    }

    /** How many resource and bundle keys are held. */
    public int resources() {
        return resources.size();
    }

    /** How many assignment keys are held. */
    public int clusters() {
        return clusters.size();
    }
}
