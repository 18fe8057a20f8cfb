package io.strait.translate.pilot;

import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;

/**
 * Outbound clusters: EDS over ADS, named after the cluster so gRPC finds the assignment by that name, with the
 * DestinationRule features in force for it.
 */
final class Clusters {
    /** The cluster features, applied in this order. */
    static final java.util.List<ClusterFeature> FEATURES = java.util.List.of(new LoadBalancing(), new CircuitBreakers(), new OutlierEjection());

    private Clusters() {
    }

    static Cluster eds(ClusterRef ref, io.strait.model.mesh.MeshModel model, io.strait.model.proxy.ProxyType proxy) {
        Cluster.Builder cluster = base(ref);
        ClusterPolicy policy = ClusterPolicy.of(ref, model);
        FEATURES.forEach(f -> f.apply(policy, proxy, cluster));
        return cluster.build();
    }

    private static Cluster.Builder base(ClusterRef ref) {
        return Cluster.newBuilder()
                .setName(ref.name())
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
                        .setEdsConfig(Listeners.ads()).setServiceName(ref.name()))
                .setConnectTimeout(Duration.newBuilder().setSeconds(10))
                .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
    }
}
