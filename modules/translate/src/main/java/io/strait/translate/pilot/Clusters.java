package io.strait.translate.pilot;

import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.strait.model.proxy.ProxyType;

/**
 * Outbound clusters, by the service's resolution (EDS over ADS for STATIC, named after the cluster so gRPC finds
 * the assignment by that name), with the DestinationRule features in force for them.
 */
final class Clusters {
    /** The cluster features, applied in this order. */
    static final java.util.List<ClusterFeature> FEATURES = java.util.List.of(new LoadBalancing(), new CircuitBreakers(),
            new OutlierEjection(), new UpstreamTls(), new UpstreamConnections());

    private Clusters() {
    }

    /**
     * The cluster of a service port (or subset), by the ServiceEntry's resolution: STATIC → EDS; DNS → STRICT_DNS
     * (every name resolved, all addresses used); DNS_ROUND_ROBIN → LOGICAL_DNS (one name, a new connection takes the
     * next address); NONE → ORIGINAL_DST (to where the workload dialled). Proxyless gRPC knows LOGICAL_DNS only, so
     * its DNS clusters resolve the first endpoint's name, and it cannot pass traffic through: a NONE service is an
     * EDS cluster without endpoints there (calls fail UNAVAILABLE). Ingest warns about both.
     */
    static Cluster of(ClusterRef ref, io.strait.model.mesh.MeshModel model, ProxyType proxy, String callerLocality) {
        return of(ref, model, proxy, callerLocality, "", model.destinationRules().shared());
    }

    /**
     * The cluster for a caller in {@code network} ("" when networks change nothing): its assignment is the one of
     * that network ({@link EdsNames}), and its endpoints, for DNS clusters, those the network reaches; its policy is
     * the host's DestinationRule as {@code rules} resolve it.
     */
    static Cluster of(ClusterRef ref, io.strait.model.mesh.MeshModel model, ProxyType proxy, String callerLocality,
                      String network, io.strait.model.mesh.DestinationRules.View rules) {
        String resolution = model.service(ref.host()).map(s -> s.entry().resolution()).orElse("STATIC");
        Cluster.Builder cluster = Cluster.newBuilder().setName(ref.name()).setConnectTimeout(Duration.newBuilder().setSeconds(10))
                .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN);
        boolean passthrough = (resolution == null || resolution.equals("NONE")) && proxy != ProxyType.GRPC;
        if (passthrough) {
            return cluster.setType(Cluster.DiscoveryType.ORIGINAL_DST).setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED).build();
        }
        if ("DNS".equals(resolution) || "DNS_ROUND_ROBIN".equals(resolution)) {
            boolean logical = proxy == ProxyType.GRPC || resolution.equals("DNS_ROUND_ROBIN");
            ClusterLoadAssignment assignment = Endpoints.of(ref, model, callerLocality, network, rules);
            cluster.setType(logical ? Cluster.DiscoveryType.LOGICAL_DNS : Cluster.DiscoveryType.STRICT_DNS)
                    .setLoadAssignment(inline(assignment.toBuilder().setClusterName(ref.name()).build(), logical));
        } else {
            cluster.setType(Cluster.DiscoveryType.EDS).setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
                    .setEdsConfig(Listeners.ads()).setServiceName(EdsNames.of(ref.name(), network,
                    EdsNames.ruleOf(model, rules, ref.host()))));
        }
        ClusterPolicy policy = ClusterPolicy.of(ref, model, rules);
        FEATURES.forEach(f -> f.apply(policy, proxy, cluster));
        ClusterMtls.apply(ref, model, proxy, policy, cluster); // reads the destination's workloads, not only the rule
        return cluster.build();
    }

    /** A DNS cluster's inline assignment: LOGICAL_DNS takes exactly one name, the first. */
    static ClusterLoadAssignment inline(ClusterLoadAssignment assignment, boolean logical) {
        if (!logical || assignment.getEndpointsCount() == 0) {
            return assignment;
        }
        return assignment.toBuilder().clearEndpoints().addEndpoints(assignment.getEndpoints(0).toBuilder()
                .clearLbEndpoints().addLbEndpoints(assignment.getEndpoints(0).getLbEndpoints(0))
                .setLoadBalancingWeight(assignment.getEndpoints(0).getLbEndpoints(0).getLoadBalancingWeight())).build();
    }
}
