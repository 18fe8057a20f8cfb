package io.strait.bus.envelope;

import java.util.Map;

/**
 * The value of {@code strait.xds.coverage.v1}, keyed by translator: after translating {@code revisions}, the
 * revisions that each scope it owns is served from. A scope whose config a revision did not change keeps its
 * manifest (built from an older revision), so no manifest is rewritten for it; a proxy of that scope that applied
 * its current manifest has applied {@code revisions} too.
 *
 * @param v          envelope version
 * @param translator the translator process that owns the scopes
 * @param revisions  per source, the newest config revision it translated
 * @param scopes     scope id to the per-source revisions its proxies are served from (its manifest's, or newer
 *                   ones when endpoints it is served by name changed since)
 * @param servedAt   scope id to when the newest of those revisions was published (epoch millis): a proxy that
 *                   applied a config at least that new has applied {@code revisions} too
 * @param at         epoch millis
 */
public record ScopeCoverage(int v, String translator, Map<String, String> revisions,
                            Map<String, Map<String, String>> scopes, Map<String, Long> servedAt, long at) {
    public ScopeCoverage {
        revisions = revisions == null ? Map.of() : revisions;
        scopes = scopes == null ? Map.of() : scopes;
        servedAt = servedAt == null ? Map.of() : servedAt;
    }
}
