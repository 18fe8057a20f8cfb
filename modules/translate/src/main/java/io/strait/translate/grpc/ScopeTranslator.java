package io.strait.translate.grpc;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.strait.model.istio.DestinationRule;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.model.proxy.ProxyType;
import io.strait.translate.xds.XdsResources;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The translation {@code MeshModel × scope → Envoy resources}: a pure function of its inputs.
 *
 * <p>A scope gets the services it can reach — exported to its namespace, allowed by its Sidecar's egress hosts —
 * so a Sidecar shrinks what its proxies receive.
 *
 * <p>Every service port gets a cluster, one per DestinationRule subset, and the clusters its routes name; every
 * cluster gets its assignment. Clusters are collected from the routes themselves, so a route never names a
 * cluster the scope does not carry. Proxyless gRPC scopes also get an API listener and a route configuration per
 * service port. Envoy sidecars and gateways get clusters and endpoints only for now: their listeners (ports 15001
 * and 15006, gateway ports) are not built yet, and an API listener would be refused by Envoy.
 */
public final class ScopeTranslator {

    /**
     * Everything of a proxy that its translation depends on: its kind, its namespace (visibility, exported
     * VirtualServices) and the Sidecar that applies to it. Scopes with equal inputs get identical resources, so a
     * translator computes each distinct input once per revision, however many scopes share it.
     */
    public record Inputs(ProxyType type, String namespace, java.util.Optional<io.strait.model.istio.Sidecar> sidecar) {
    }

    public static Inputs inputsOf(MeshModel model, ProxyIdentity proxy) {
        return new Inputs(proxy.type(), proxy.namespace(), model.sidecarFor(proxy));
    }

    public XdsResources translate(MeshModel model, ProxyIdentity proxy) {
        SortedSet<ClusterRef> clusters = new TreeSet<>();
        List<Listener> listeners = new ArrayList<>();
        List<RouteConfiguration> routes = new ArrayList<>();
        for (MeshModel.Service service : model.servicesFor(proxy)) {
            for (ServiceEntry.ServicePort port : service.entry().ports()) {
                clusters.add(new ClusterRef(service.host(), port.number(), null));
                for (DestinationRule.Subset subset : model.destinationRule(service.host())
                        .map(DestinationRule::subsets).orElse(List.of())) {
                    clusters.add(new ClusterRef(service.host(), port.number(), subset.name()));
                }
                String name = service.host() + ":" + port.number();
                RouteConfiguration routeConfig = RouteConfigs.of(name, service, port.number(), model, proxy.namespace(), proxy.type(), clusters);
                if (proxy.type() == ProxyType.GRPC) {
                    listeners.add(Listeners.grpcApiListener(name));
                    routes.add(routeConfig);
                }
            }
        }
        List<Cluster> cds = clusters.stream().map(ref -> Clusters.eds(ref, model, proxy.type())).toList();
        List<ClusterLoadAssignment> eds = clusters.stream().map(ref -> Endpoints.of(ref, model)).toList();
        return new XdsResources(cds, eds, listeners, routes);
    }
}
