package io.strait.bus.envelope;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The value of {@code strait.xds.coverage.v1}, keyed by translator: after translating {@code revisions}, the
 * revisions that each scope it owns is served from. A scope whose config a revision did not change keeps its
 * manifest (built from an older revision), so no manifest is rewritten for it; a proxy of that scope that applied
 * its current manifest has applied {@code revisions} too.
 *
 * <p>Scopes are grouped by what they are served from, so the record costs a scope id per scope, not a revision map.
 *
 * @param v          envelope version
 * @param translator the translator process that owns the scopes
 * @param revisions  per source, the newest config revision it translated
 * @param served     the owned scopes, grouped by what their proxies are served from
 * @param at         epoch millis
 */
public record ScopeCoverage(int v, String translator, Map<String, String> revisions, List<Served> served, long at) {
    public ScopeCoverage {
        revisions = revisions == null ? Map.of() : revisions;
        served = served == null ? List.of() : served;
    }

    /**
     * Scopes served from the same config.
     *
     * @param revisions  per source, the revisions their proxies are served from (their manifest's, or newer ones when
     *                   endpoints they are served by name changed since)
     * @param revisionAt when the newest of those revisions was published (epoch millis): a proxy that applied a
     *                   config at least that new has applied the coverage's {@code revisions} too
     * @param scopes     scope ids
     */
    public record Served(Map<String, String> revisions, long revisionAt, List<String> scopes) {
        public Served {
            revisions = revisions == null ? Map.of() : revisions;
            scopes = scopes == null ? List.of() : scopes;
        }
    }

    /** Scope id to the revisions it is served from. */
    public Map<String, Map<String, String>> revisionsByScope() {
        Map<String, Map<String, String>> out = new HashMap<>();
        served.forEach(s -> s.scopes().forEach(scope -> out.put(scope, s.revisions())));
        return out;
    }

    /** Scope id to when the config it is served from was published. */
    public Map<String, Long> servedAtByScope() {
        Map<String, Long> out = new HashMap<>();
        served.forEach(s -> s.scopes().forEach(scope -> out.put(scope, s.revisionAt())));
        return out;
    }
}
