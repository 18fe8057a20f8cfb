package io.strait.xds;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Decides which held entries a front may forget: those that no live or waiting manifest has named for a grace
 * period. Why a grace period: a resource is written before the manifest that names it (make-before-break), so a
 * resource nobody names yet may be about to be needed; and why forget at all: the bus keeps every resource ever
 * published, so a front that holds everything it reads grows with the mesh's history, not with the mesh.
 * Forgetting is safe: a translator writes a resource again whenever a manifest names it after none of its own did.
 */
final class Sweeper {
    private final long graceNanos;
    private final Map<String, Long> unreferencedSince = new HashMap<>();

    Sweeper(long graceNanos) {
        this.graceNanos = graceNanos;
    }

    /**
     * @param held       what the front holds
     * @param referenced what live and waiting manifests name
     * @param now        a nanoTime
     * @return the held entries to forget now
     */
    Set<String> sweep(Set<String> held, Set<String> referenced, long now) {
        unreferencedSince.keySet().removeIf(k -> referenced.contains(k) || !held.contains(k));
        Set<String> drop = new HashSet<>();
        for (String k : held) {
            if (!referenced.contains(k) && now - unreferencedSince.computeIfAbsent(k, x -> now) >= graceNanos) {
                drop.add(k);
            }
        }
        unreferencedSince.keySet().removeAll(drop);
        return drop;
    }
}
