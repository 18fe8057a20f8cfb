package io.strait.translate.runner;

import io.strait.bus.envelope.ScopeManifest;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What this translator knows the bus already holds, so an unchanged resource is not written again: the content
 * hashes on {@code strait.xds.resources.v1}, and per cluster name the hash of the assignment it last wrote to
 * {@code strait.xds.endpoints.v1}. Only what a live manifest of ours still names is remembered — the ledger follows
 * the config that is live, not its history — counted by reference, so a commit costs what its manifests name, not
 * what every live manifest does. Forgetting is always safe: if a later config names it again it is simply
 * published once more, and the fronts overwrite it with the same bytes.
 *
 * <p>The janitor tombstones what no live manifest names; a tombstone read back ({@link #tombstoned}) is forgotten
 * here too, and when a live manifest of ours still names it (it was named again as the janitor decided) the
 * translator writes it again, so the bus never ends with a manifest naming a deleted resource.
 */
final class PublishedHashes {
    private final Set<String> hashes = new HashSet<>();
    private final Map<String, String> assignments = new HashMap<>();
    /** How many live manifests name each hash, and each cluster served by name. */
    private final Map<String, Integer> hashRefs = new HashMap<>();
    private final Map<String, Integer> clusterRefs = new HashMap<>();
    /** How many live manifests name each bundled list (type and bundle hash), whose entries are counted once above. */
    private final Map<String, Integer> bundledLists = new HashMap<>();

    boolean contains(String hash) {
        return hashes.contains(hash);
    }

    /** True when the assignment of {@code cluster} we last wrote by name has this hash. */
    boolean assignmentIs(String cluster, String hash) {
        return hash.equals(assignments.get(cluster));
    }

    /** Records hashes that a committed transaction wrote to the bus. */
    void published(Collection<String> written) {
        hashes.addAll(written);
    }

    /** Records assignments (cluster name to hash) that a committed transaction wrote by name. */
    void publishedAssignments(Map<String, String> written) {
        assignments.putAll(written);
    }

    /**
     * A scope's live manifest changed from {@code before} to {@code after} (either may be null: a new scope, a
     * departed one); what no live manifest names any more is forgotten.
     *
     * <p>A list carried in a bundle is counted by its bundle's hash, which is its content: its entries are counted once,
     * when the first live manifest names that bundle, and uncounted when the last one stops. Row D's 200 scopes name
     * the same few bundles of 3,000 entries, so a revision costs the lists it changed, not 200 × 5,000 entries.
     */
    void replaced(ScopeManifest before, ScopeManifest after) {
        ScopeManifest any = after != null ? after : before;
        if (any == null) {
            return;
        }
        // what is taken back is the scope's manifest as counted here, never one it did not count (that would take
        // other manifests' references): `before` names the scope when `after` is null
        ScopeManifest old = after != null ? counted.put(any.scope(), after) : counted.remove(any.scope());
        // count the new references first, so what both name never drops to zero on the way
        if (after != null) {
            count(after, 1);
        }
        if (old != null) {
            count(old, -1);
        }
    }

    /** The manifest counted per scope: the one {@link #replaced} takes back. */
    private final Map<String, ScopeManifest> counted = new HashMap<>();

    private void count(ScopeManifest m, int by) {
        m.resources().forEach((type, list) -> {
            String bundle = m.bundles().get(type);
            if (bundle == null || firstOrLast(type + " " + bundle, by)) {
                list.forEach(r -> reference(r.hash(), by));
            }
        });
        m.bundles().values().forEach(h -> reference(h, by));
        String bundle = m.bundles().get(ScopeManifest.ENDPOINTS_BUNDLE);
        if (bundle == null || firstOrLast(ScopeManifest.ENDPOINTS_BUNDLE + " " + bundle, by)) {
            for (String c : m.endpoints()) {
                if (clusterRefs.merge(c, by, Integer::sum) <= 0) {
                    clusterRefs.remove(c);
                    assignments.remove(c);
                }
            }
        }
    }

    /** One manifest more (or less) names this bundled list; true when it is the first (or was the last). */
    private boolean firstOrLast(String list, int by) {
        int now = bundledLists.merge(list, by, Integer::sum);
        if (now <= 0) {
            bundledLists.remove(list);
            return true;
        }
        return by > 0 && now == 1;
    }

    private void reference(String hash, int by) {
        if (hashRefs.merge(hash, by, Integer::sum) <= 0) {
            hashRefs.remove(hash);
            hashes.remove(hash);
        }
    }

    /**
     * The hashes of a committed transaction that no live manifest of ours names after it (a translation that failed
     * half-way wrote some): forgotten at once, so we never count on one the janitor may tombstone as unnamed.
     */
    void forgetUnnamed(Collection<String> written) {
        written.forEach(h -> {
            if (!hashRefs.containsKey(h)) {
                hashes.remove(h);
            }
        });
    }

    /**
     * A tombstone for {@code hash} was read from the bus: it is no longer there. Returns true when a live manifest of
     * ours still names it — we lost a race with the janitor, and the scopes naming it must write it again.
     */
    boolean tombstoned(String hash) {
        hashes.remove(hash);
        return hashRefs.containsKey(hash);
    }

    /** A tombstone for the assignment of {@code cluster}; true when a live manifest of ours serves it by name. */
    boolean assignmentTombstoned(String cluster) {
        assignments.remove(cluster);
        return clusterRefs.containsKey(cluster);
    }

    int size() {
        return hashes.size();
    }
}
