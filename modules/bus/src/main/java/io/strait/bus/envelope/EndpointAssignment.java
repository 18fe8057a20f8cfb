package io.strait.bus.envelope;

import java.util.Map;

/**
 * The value of {@code strait.xds.endpoints.v1}, keyed by cluster name: the {@code ClusterLoadAssignment} every
 * scope naming that cluster in {@link ScopeManifest#endpoints()} is served. EDS is served by name, so an endpoint
 * change is one record per cluster it touches, whatever the number of scopes or proxies, and no manifest changes.
 *
 * <p>Several translators may write the same cluster (each for the scopes it owns); they write identical bytes for
 * the same revision, and readers keep the record with the newest {@code revisionAt}, so a translator that lags
 * behind never takes a cluster back to older endpoints.
 *
 * @param v          envelope version
 * @param cluster    the cluster name (the record key)
 * @param hash       content hash of the serialized assignment
 * @param resource   the assignment, encoded as on {@code strait.xds.resources.v1} (type URL + bytes)
 * @param revisions  per source, the config revision it was built from
 * @param revisionAt epoch millis when the newest of those revisions was published
 */
public record EndpointAssignment(int v, String cluster, String hash, byte[] resource, Map<String, String> revisions,
                                 long revisionAt) {
    public EndpointAssignment {
        revisions = revisions == null ? Map.of() : revisions;
    }
}
