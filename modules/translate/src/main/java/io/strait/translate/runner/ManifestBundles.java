package io.strait.translate.runner;

import io.strait.bus.envelope.ResourceBundle;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.wire.ContentHash;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Moves a manifest's long lists into {@link ResourceBundle}s: scopes that see the same services have the same
 * lists, so a change that reaches all of them writes each changed list once and a manifest of a few hashes per scope
 * (DESIGN's bundles: shared parts stored once and referenced by hash). Short lists stay inline, where a bundle would
 * cost more than it saves.
 */
final class ManifestBundles {
    /** Lists shorter than this stay inline. */
    static final int MIN_ENTRIES = 16;

    private ManifestBundles() {
    }

    /** The bundles a scope's lists make, by manifest key (type URL, or {@link ScopeManifest#ENDPOINTS_BUNDLE}). */
    static Map<String, ResourceBundle> of(Map<String, List<ScopeManifest.NamedHash>> resources, List<String> endpoints) {
        Map<String, ResourceBundle> out = new TreeMap<>();
        resources.forEach((type, entries) -> {
            if (entries.size() >= MIN_ENTRIES) {
                out.put(type, new ResourceBundle(entries, List.of()));
            }
        });
        if (endpoints.size() >= MIN_ENTRIES) {
            out.put(ScopeManifest.ENDPOINTS_BUNDLE, new ResourceBundle(List.of(), endpoints));
        }
        return out;
    }

    static String hash(byte[] encoded) {
        return ContentHash.of(encoded);
    }

    /** The manifest as written to the bus: every bundled list left out (readers expand it from the bundle). */
    static ScopeManifest compact(ScopeManifest full) {
        if (full.bundles().isEmpty()) {
            return full;
        }
        Map<String, List<ScopeManifest.NamedHash>> inline = new LinkedHashMap<>();
        full.resources().forEach((type, entries) -> {
            if (!full.bundles().containsKey(type)) {
                inline.put(type, entries);
            }
        });
        List<String> endpoints = full.bundles().containsKey(ScopeManifest.ENDPOINTS_BUNDLE) ? List.of() : full.endpoints();
        return new ScopeManifest(full.v(), full.scope(), full.generation(), full.revisions(), inline, endpoints,
                full.bundles(), full.builtAt(), full.revisionAt());
    }
}
