package io.strait.bus.envelope;

/**
 * The value of {@code strait.registries.v1}, keyed by cluster id: whether a cluster's registry source can reach
 * its API server, and how old what it last published is. A cluster that cannot be reached keeps its last known
 * endpoints on {@code strait.endpoints.v1} (they are not dropped, unlike a remote secret gone bad in Istio); this
 * record says they are stale and since when, for {@code strait status} and {@code /readyz}.
 *
 * @param v            envelope version (1)
 * @param cluster      cluster id
 * @param network      the cluster's network (empty: one network)
 * @param source       the source that watches it ({@code kubernetes:<cluster>})
 * @param connected    whether the watches are open and synced now
 * @param syncedAt     epoch millis of the last complete sync (0: never)
 * @param staleSince   epoch millis since when the API server has been unreachable (0 when connected)
 * @param services     services published for the cluster
 * @param endpoints    endpoint addresses published for the cluster
 * @param error        the last error, one line for a user (empty when connected)
 * @param writtenAt    epoch millis when this record was written
 */
public record RegistryStatus(int v, String cluster, String network, String source, boolean connected, long syncedAt,
                             long staleSince, int services, int endpoints, String error, long writtenAt) {
    public static final int VERSION = 1;

    public RegistryStatus {
        network = network == null ? "" : network;
        error = error == null ? "" : error;
    }
}
