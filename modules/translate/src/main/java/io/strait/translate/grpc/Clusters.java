package io.strait.translate.grpc;

import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;

/** Outbound clusters: EDS over ADS, named after the cluster so gRPC finds the assignment by that name. */
final class Clusters {
    private Clusters() {
    }

    static Cluster eds(ClusterRef ref) {
        return Cluster.newBuilder()
                .setName(ref.name())
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
                        .setEdsConfig(Listeners.ads()).setServiceName(ref.name()))
                .setConnectTimeout(Duration.newBuilder().setSeconds(10))
                .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
                .build();
    }
}
