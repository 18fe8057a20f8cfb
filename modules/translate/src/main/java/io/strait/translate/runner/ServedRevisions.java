package io.strait.translate.runner;

import io.strait.bus.envelope.ScopeCoverage;
import io.strait.bus.envelope.ScopeManifest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the proxies of each scope a translator owns are served from: the revisions of the scope's manifest, or newer
 * ones when an assignment it is served by name changed since. A translator's coverage record is made from it, and
 * fronts derive the same (a scope is served from the newest of its manifest and the assignments it names), so
 * rollout tracking can count the proxies of scopes a revision did not change without anything being resent.
 */
final class ServedRevisions {
    /** The revisions a scope is served from and when the newest of them was published. */
    record Served(Map<String, String> revisions, long revisionAt) {
    }

    private final Map<String, Served> byScope = new HashMap<>();

    /**
     * What every owned scope is served from once {@code changed} manifests and the assignments of {@code reassigned}
     * clusters are published: a changed manifest's revisions; the current revisions for a scope served one of the
     * reassigned clusters by name; otherwise what it was served from before. Nothing is recorded until {@link #adopt}.
     *
     * @param published the live manifests before this publish
     */
    Map<String, Served> next(Collection<String> owned, Map<String, ScopeManifest> published, List<ScopeManifest> changed,
                             Set<String> reassigned, Map<String, String> revisions, long revisionAt) {
        Map<String, ScopeManifest> after = new HashMap<>(published);
        changed.forEach(m -> after.put(m.scope(), m));
        Map<String, Served> out = new HashMap<>();
        for (String scope : owned) {
            ScopeManifest m = after.get(scope);
            if (m == null) {
                continue;
            }
            Served before = byScope.get(scope);
            boolean endpointsMoved = !reassigned.isEmpty() && m.endpoints().stream().anyMatch(reassigned::contains);
            out.put(scope, endpointsMoved ? new Served(revisions, revisionAt)
                    : published.get(scope) != m || before == null ? new Served(m.revisions(), m.revisionAt()) : before);
        }
        return out;
    }

    /** The publish that {@code next} was computed for is committed. */
    void adopt(Map<String, Served> next) {
        byScope.clear();
        byScope.putAll(next);
    }

    void forget(String scope) {
        byScope.remove(scope);
    }

    /** The coverage record of a translator: its scopes grouped by what they are served from. */
    static ScopeCoverage coverage(String translator, Map<String, String> revisions, Map<String, Served> byScope) {
        Map<Served, List<String>> grouped = new LinkedHashMap<>();
        new TreeMap<>(byScope).forEach((scope, s) -> grouped.computeIfAbsent(s, k -> new ArrayList<>()).add(scope));
        List<ScopeCoverage.Served> served = new ArrayList<>();
        grouped.forEach((s, members) -> served.add(new ScopeCoverage.Served(s.revisions(), s.revisionAt(), members)));
        return new ScopeCoverage(2, translator, revisions, served, System.currentTimeMillis());
    }
}
