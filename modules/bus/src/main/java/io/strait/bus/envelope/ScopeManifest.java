package io.strait.bus.envelope;

import java.util.List;
import java.util.Map;

/**
 * The value of {@code strait.xds.scopes.v1}: everything one scope is made of, by content hash.
 *
 * @param v          envelope version
 * @param scope      scope id
 * @param generation increases with every manifest the translators publish for the scope
 * @param revisions  per source, the config revision this manifest reflects
 * @param resources  per xDS type URL, the named resources (name + hash of the serialized resource)
 * @param endpoints  clusters whose {@code ClusterLoadAssignment} is served by name from
 *                   {@code strait.xds.endpoints.v1} ({@link EndpointAssignment}) rather than by hash: an endpoint
 *                   change then rewrites no manifest. Sorted; empty for scopes whose assignments are their own
 *                   (locality-aware load balancing arranges them per caller locality).
 * @param builtAt    epoch millis
 * @param revisionAt epoch millis when the newest revision it reflects was published (config change → ACK is
 *                   measured from here)
 */
public record ScopeManifest(int v, String scope, long generation, Map<String, String> revisions,
                            Map<String, List<NamedHash>> resources, List<String> endpoints,
                            Map<String, String> bundles, long builtAt, long revisionAt) {
    /** The key of {@code bundles} under which the clusters served by name are bundled. */
    public static final String ENDPOINTS_BUNDLE = "endpoints";

    public ScopeManifest {
        revisions = revisions == null ? Map.of() : revisions;
        resources = resources == null ? Map.of() : resources;
        endpoints = endpoints == null ? List.of() : endpoints;
        bundles = bundles == null ? Map.of() : bundles;
    }

    /** Every content hash the manifest names on {@code strait.xds.resources.v1}: its inline resources and its bundles. */
    public List<String> contentHashes() {
        List<String> out = new java.util.ArrayList<>();
        resources.values().forEach(list -> list.forEach(r -> out.add(r.hash())));
        out.addAll(bundles.values());
        return out;
    }

    /** One resource of a manifest. */
    public record NamedHash(String name, String hash) {
    }
}
