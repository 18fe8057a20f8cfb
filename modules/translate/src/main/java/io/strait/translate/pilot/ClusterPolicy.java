package io.strait.translate.pilot;

import io.strait.model.istio.DestinationRule;
import io.strait.model.istio.DestinationRule.ConnectionPool;
import io.strait.model.istio.DestinationRule.LoadBalancer;
import io.strait.model.istio.DestinationRule.OutlierDetection;
import io.strait.model.istio.DestinationRule.PortTrafficPolicy;
import io.strait.model.istio.DestinationRule.TrafficPolicy;
import io.strait.model.mesh.DestinationRules;
import io.strait.model.mesh.MeshModel;

/**
 * The traffic policy in force for one cluster (service, port, subset), merged as Istio merges it: the rule's
 * policy, then its settings for the port, then the subset's policy, then the subset's settings for the port; each
 * later one replaces the earlier one field by field (loadBalancer, connectionPool, outlierDetection, tls).
 */
record ClusterPolicy(LoadBalancer loadBalancer, ConnectionPool connectionPool, OutlierDetection outlierDetection,
                     DestinationRule.ClientTls tls, io.strait.model.istio.ServiceEntry.ServicePort port) {
    static final ClusterPolicy NONE = new ClusterPolicy(null, null, null, null, null);

    /**
     * The policy of a cluster as {@code rules} resolve its host's DestinationRule, with the service port it serves
     * (its protocol decides the upstream HTTP version).
     */
    static ClusterPolicy of(ClusterRef ref, MeshModel model, DestinationRules.View rules) {
        return of(ref, model, rules.forHost(ref.host()).orElse(null));
    }

    /** The policy of a cluster under {@code rule} (null: no DestinationRule). */
    static ClusterPolicy of(ClusterRef ref, MeshModel model, DestinationRules.Resolved rule) {
        ClusterPolicy policy = merged(ref, rule);
        var port = model.service(ref.host()).flatMap(s -> s.port(ref.port())).orElse(null);
        return new ClusterPolicy(policy.loadBalancer, policy.connectionPool, policy.outlierDetection, policy.tls, port);
    }

    private static ClusterPolicy merged(ClusterRef ref, DestinationRules.Resolved rule) {
        if (rule == null) {
            return NONE;
        }
        DestinationRule dr = rule.rule();
        ClusterPolicy policy = NONE.with(dr.trafficPolicy(), ref.port());
        if (ref.subset() != null) {
            policy = rule.subset(ref.subset())
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
                tp.tls() != null ? tp.tls() : tls, null);
        for (PortTrafficPolicy p : tp.portLevelSettings()) {
            if (p.port() != null && p.port().number() != null && p.port().number() == port) {
                merged = new ClusterPolicy(
                        p.loadBalancer() != null ? p.loadBalancer() : merged.loadBalancer,
                        p.connectionPool() != null ? p.connectionPool() : merged.connectionPool,
                        p.outlierDetection() != null ? p.outlierDetection() : merged.outlierDetection,
                        p.tls() != null ? p.tls() : merged.tls, null);
            }
        }
        return merged;
    }
}
