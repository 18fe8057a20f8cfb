package io.strait.translate.pilot;

import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.List;

/**
 * The clusters of an Envoy sidecar that are not services, named as Istio names them so dashboards carry over:
 * where unknown destinations go ({@code PassthroughCluster} for ALLOW_ANY, {@code BlackHoleCluster} for
 * REGISTRY_ONLY), where inbound traffic to undeclared ports goes ({@code InboundPassthroughCluster}), and the
 * inbound cluster of each port the workload serves.
 */
final class PassthroughClusters {
    static final String PASSTHROUGH = "PassthroughCluster";
    static final String BLACKHOLE = "BlackHoleCluster";
    static final String INBOUND_PASSTHROUGH = "InboundPassthroughCluster";

    private PassthroughClusters() {
    }

    static List<Cluster> all() {
        return List.of(originalDst(PASSTHROUGH).build(),
                // inbound passthrough leaves from 127.0.0.6, which Istio's iptables rules let out uncaptured
                originalDst(INBOUND_PASSTHROUGH).setUpstreamBindConfig(BindConfig.newBuilder().setSourceAddress(
                        SocketAddress.newBuilder().setAddress("127.0.0.6").setPortValue(0))).build(),
                // no endpoints: every connection to it fails, which is the point
                Cluster.newBuilder().setName(BLACKHOLE).setType(Cluster.DiscoveryType.STATIC)
                        .setConnectTimeout(timeout()).build());
    }

    /** The cluster for the workload's own port {@code port}: the application where it listens. */
    static Cluster inbound(int port, SidecarInbound.InboundPort target) {
        String name = inboundName(port);
        Address address = target.unixPath() != null
                ? Address.newBuilder().setPipe(io.envoyproxy.envoy.config.core.v3.Pipe.newBuilder().setPath(target.unixPath())).build()
                : Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(target.host())
                        .setPortValue(target.targetPort())).build();
        return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.STATIC).setConnectTimeout(timeout())
                .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(name).addEndpoints(
                        LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(
                                Endpoint.newBuilder().setAddress(address)))))
                .build();
    }

    static String inboundName(int port) {
        return "inbound|" + port + "||";
    }

    private static Cluster.Builder originalDst(String name) {
        return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.ORIGINAL_DST)
                .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED).setConnectTimeout(timeout());
    }

    private static Duration timeout() {
        return Duration.newBuilder().setSeconds(10).build();
    }
}
