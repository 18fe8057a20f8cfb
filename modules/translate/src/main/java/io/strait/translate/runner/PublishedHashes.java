package io.strait.translate.runner;

import io.strait.bus.envelope.ScopeManifest;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The content hashes this translator knows the bus already holds, so an unchanged resource is not written again.
 * Only hashes a live manifest of ours still names are remembered: the set follows the config that is live, not its
 * history. Forgetting a hash is always safe — if a later config names it again it is simply published once more,
 * and the fronts overwrite it with the same bytes.
 */
final class PublishedHashes {
    private final Set<String> hashes = new HashSet<>();

    boolean contains(String hash) {
        return hashes.contains(hash);
    }

    /** Records hashes that a committed transaction wrote to the bus. */
    void published(Collection<String> written) {
        hashes.addAll(written);
    }

    /** Forgets every hash that none of the given (live) manifests names. */
    void retainNamedBy(Collection<ScopeManifest> live) {
        Set<String> named = new HashSet<>();
        for (ScopeManifest m : live) {
            for (List<ScopeManifest.NamedHash> list : m.resources().values()) {
                list.forEach(r -> named.add(r.hash()));
            }
        }
        hashes.retainAll(named);
    }

    int size() {
        return hashes.size();
    }
}
