package io.strait.translate.pilot;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.strait.model.istio.VirtualService.Destination;
import io.strait.model.istio.VirtualService.HttpRouteDestination;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Istio weighted destinations as an Envoy route action, recording every cluster it names. */
final class RouteDestinations {
    private RouteDestinations() {
    }

    /**
     * @param destinations the route's destinations (validated: weights sum to 100)
     * @param namespace    namespace of the VirtualService, for short host names
     * @param model        the mesh, to find a destination's port when it has only one
     * @param proxy        the kind of proxy the route is for (what it can hash on)
     * @param referenced   collects the clusters the action names, so the scope is sure to carry them
     */
    static RouteAction of(List<HttpRouteDestination> destinations, String namespace, MeshModel model, ProxyType proxy,
                          io.strait.model.mesh.DestinationRules.View rules, Set<ClusterRef> referenced) {
        List<WeightedCluster.ClusterWeight> weighted = new ArrayList<>();
        for (HttpRouteDestination d : destinations) {
            int weight = d.weight() == null ? (destinations.size() == 1 ? 100 : 0) : d.weight();
            if (weight == 0) {
                continue; // Envoy rejects zero-weight clusters; Istio drops them too
            }
            ClusterRef ref = resolve(d.destination(), namespace, model);
            referenced.add(ref);
            WeightedCluster.ClusterWeight.Builder cluster = WeightedCluster.ClusterWeight.newBuilder().setName(ref.name())
                    .setWeight(UInt32Value.of(weight));
            HeaderRewrites.apply(d, cluster);
            weighted.add(cluster.build());
        }
        RouteAction.Builder action = RouteAction.newBuilder();
        // affinity follows the first destination's policy: Envoy hashes once per route, before picking a cluster
        destinations.stream().filter(d -> d.weight() == null || d.weight() > 0).findFirst().ifPresent(d -> {
            ClusterPolicy policy = ClusterPolicy.of(resolve(d.destination(), namespace, model), model, rules);
            SessionAffinity.apply(policy.loadBalancer() == null ? null : policy.loadBalancer().consistentHash(), proxy, action);
        });
        if (weighted.size() == 1) {
            action.setCluster(weighted.get(0).getName());
        } else {
            action.setWeightedClusters(WeightedCluster.newBuilder().addAllClusters(weighted));
        }
        return action.build();
    }

    static ClusterRef resolve(Destination d, String namespace, MeshModel model) {
        String host = MeshModel.fqdn(d.host(), namespace);
        MeshModel.Service service = model.service(host).orElseThrow(() ->
                new IllegalStateException("translator bug: destination host " + host + " passed validation but is unknown"));
        int port = d.port() != null && d.port().number() != null ? d.port().number() : service.entry().ports().get(0).number();
        return new ClusterRef(host, port, d.subset());
    }
}
