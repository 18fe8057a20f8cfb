package io.strait.translate.runner;

import io.strait.bus.envelope.ScopeManifest;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What this translator knows the bus already holds, so an unchanged resource is not written again: the content
 * hashes on {@code strait.xds.resources.v1}, and per cluster name the hash of the assignment it last wrote to
 * {@code strait.xds.endpoints.v1}. Only what a live manifest of ours still names is remembered: the ledger follows
 * the config that is live, not its history. Forgetting is always safe — if a later config names it again it is
 * simply published once more, and the fronts overwrite it with the same bytes.
 */
final class PublishedHashes {
    private final Set<String> hashes = new HashSet<>();
    private final Map<String, String> assignments = new HashMap<>();

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

    /** Forgets every hash and assignment that none of the given (live) manifests names. */
    void retainNamedBy(Collection<ScopeManifest> live) {
        Set<String> named = new HashSet<>();
        Set<String> byName = new HashSet<>();
        for (ScopeManifest m : live) {
            for (List<ScopeManifest.NamedHash> list : m.resources().values()) {
                list.forEach(r -> named.add(r.hash()));
            }
            byName.addAll(m.endpoints());
        }
        hashes.retainAll(named);
        assignments.keySet().retainAll(byName);
    }

    int size() {
        return hashes.size();
    }
}
