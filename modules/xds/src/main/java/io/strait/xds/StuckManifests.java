package io.strait.xds;

import io.strait.bus.envelope.ScopeManifest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says once, per manifest, what a manifest held back for more than 5 s still waits for: a resource or an assignment
 * that does not arrive is a fault somewhere upstream, and this names it.
 */
final class StuckManifests {
    private static final Logger LOG = LoggerFactory.getLogger(StuckManifests.class);
    private static final long STUCK_NANOS = java.time.Duration.ofSeconds(5).toNanos();

    /** When each waiting manifest started waiting (MIN_VALUE once reported). */
    private final Map<ScopeManifest, Long> since = new IdentityHashMap<>();

    /**
     * @param expanded a waiting manifest with its bundles expanded (called only once its bundles are all here)
     */
    void report(long now, Collection<ScopeManifest> pending, HeldResources resources, HeldAssignments assignments,
                UnaryOperator<ScopeManifest> expanded) {
        Set<ScopeManifest> waiting = Collections.newSetFromMap(new IdentityHashMap<>());
        waiting.addAll(pending);
        since.keySet().retainAll(waiting);
        for (ScopeManifest m : waiting) {
            long start = since.computeIfAbsent(m, k -> now);
            if (start != Long.MIN_VALUE && now - start > STUCK_NANOS) {
                since.put(m, Long.MIN_VALUE); // said once
                List<String> missing = new ArrayList<>();
                m.bundles().values().stream().filter(b -> !resources.hasBundle(b)).forEach(b -> missing.add("bundle " + b));
                if (missing.isEmpty()) {
                    ScopeManifest full = expanded.apply(m);
                    full.resources().values().forEach(list -> list.stream().filter(r -> !resources.hasResource(r.hash()))
                            .forEach(r -> missing.add(r.name() + " (" + r.hash() + ")")));
                    full.endpoints().stream().filter(c -> !assignments.has(c)).forEach(c -> missing.add("assignment " + c));
                }
                LOG.warn("manifest generation {} of scope {} has waited {} s for {} of its parts: {}", m.generation(), m.scope(),
                        (now - start) / 1_000_000_000L, missing.size(), missing.stream().limit(10).toList());
            }
        }
    }
}
