package io.strait.translate.pilot;

import io.strait.model.istio.DestinationRule;
import io.strait.model.istio.DestinationRule.ConnectionPool;
import io.strait.model.istio.DestinationRule.LoadBalancer;
import io.strait.model.istio.DestinationRule.OutlierDetection;
import io.strait.model.istio.DestinationRule.PortTrafficPolicy;
import io.strait.model.istio.DestinationRule.TrafficPolicy;
import io.strait.model.mesh.MeshModel;

/**
 * The traffic policy in force for one cluster (service, port, subset), merged as Istio merges it: the rule's
 * policy, then its settings for the port, then the subset's policy, then the subset's settings for the port; each
 * later one replaces the earlier one field by field (loadBalancer, connectionPool, outlierDetection, tls).
 */
record ClusterPolicy(LoadBalancer loadBalancer, ConnectionPool connectionPool, OutlierDetection outlierDetection,
                     DestinationRule.ClientTls tls) {
    static final ClusterPolicy NONE = new ClusterPolicy(null, null, null, null);

    static ClusterPolicy of(ClusterRef ref, MeshModel model) {
        DestinationRule dr = model.destinationRule(ref.host()).orElse(null);
        if (dr == null) {
            return NONE;
        }
        ClusterPolicy policy = NONE.with(dr.trafficPolicy(), ref.port());
        if (ref.subset() != null) {
            policy = model.subset(ref.host(), ref.subset())
                    .map(s -> NONE.with(dr.trafficPolicy(), ref.port()).with(s.trafficPolicy(), ref.port()))
                    .orElse(policy);
        }
        return policy;
    }

    private ClusterPolicy with(TrafficPolicy tp, int port) {
        if (tp == null) {
            return this;
        }
        ClusterPolicy merged = new ClusterPolicy(
                tp.loadBalancer() != null ? tp.loadBalancer() : loadBalancer,
                tp.connectionPool() != null ? tp.connectionPool() : connectionPool,
                tp.outlierDetection() != null ? tp.outlierDetection() : outlierDetection,
                tp.tls() != null ? tp.tls() : tls);
        for (PortTrafficPolicy p : tp.portLevelSettings()) {
            if (p.port() != null && p.port().number() != null && p.port().number() == port) {
                merged = new ClusterPolicy(
                        p.loadBalancer() != null ? p.loadBalancer() : merged.loadBalancer,
                        p.connectionPool() != null ? p.connectionPool() : merged.connectionPool,
                        p.outlierDetection() != null ? p.outlierDetection() : merged.outlierDetection,
                        p.tls() != null ? p.tls() : merged.tls);
            }
        }
        return merged;
    }
}
