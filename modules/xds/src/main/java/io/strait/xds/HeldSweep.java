package io.strait.xds;

import io.strait.bus.envelope.ResourceBundle;
import io.strait.bus.envelope.ScopeManifest;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgets resources, bundles and assignments that no live or waiting manifest has named for the grace period
 * ({@link Sweeper} says why and why it is safe), every {@code min(grace, 10 s)}.
 */
final class HeldSweep {
    private static final Logger LOG = LoggerFactory.getLogger(HeldSweep.class);

    private final Sweeper hashSweep;
    private final Sweeper nameSweep;
    private final long every;
    private long last;

    HeldSweep(long graceNanos, long now) {
        this.hashSweep = new Sweeper(graceNanos);
        this.nameSweep = new Sweeper(graceNanos);
        this.every = Math.min(graceNanos, java.time.Duration.ofSeconds(10).toNanos());
        this.last = now;
    }

    /** Sweeps if it is time. */
    void maybeSweep(long now, Collection<ScopeManifest> live, Collection<ScopeManifest> waiting, HeldResources resources,
                    HeldAssignments assignments) {
        if (now - last < every) {
            return;
        }
        last = now;
        Set<String> hashes = new HashSet<>();
        Set<String> names = new HashSet<>();
        referenced(live, waiting, resources, hashes, names);
        Set<String> forgotten = hashSweep.sweep(resources.hashes(), hashes, now);
        resources.forget(forgotten);
        Set<String> unnamed = nameSweep.sweep(assignments.clusters(), names, now);
        assignments.forget(unnamed);
        if (!forgotten.isEmpty() || !unnamed.isEmpty()) {
            LOG.info("forgot {} resources and {} assignments no manifest has named for a while", forgotten.size(), unnamed.size());
        }
    }

    /** Every hash and cluster name a live or waiting manifest names (a waiting one's bundles expanded). */
    static void referenced(Collection<ScopeManifest> live, Collection<ScopeManifest> waiting, HeldResources resources,
                           Set<String> hashes, Set<String> names) {
        // scopes translated alike hold the same bundles' lists (one instance each): each list is read once
        Set<Object> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        live.forEach(m -> references(m, hashes, names, seen));
        for (ScopeManifest m : waiting) {
            references(m, hashes, names, seen);
            for (String b : m.bundles().values()) {
                ResourceBundle bundle = resources.bundle(b);
                if (bundle != null) {
                    bundle.entries().forEach(e -> hashes.add(e.hash()));
                    names.addAll(bundle.names());
                }
            }
        }
    }

    private static void references(ScopeManifest m, Set<String> hashes, Set<String> names, Set<Object> seen) {
        for (List<ScopeManifest.NamedHash> list : m.resources().values()) {
            if (seen.add(list)) {
                list.forEach(r -> hashes.add(r.hash()));
            }
        }
        hashes.addAll(m.bundles().values());
        if (seen.add(m.endpoints())) {
            names.addAll(m.endpoints());
        }
    }
}
