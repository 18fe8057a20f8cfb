package io.strait.translate.pilot;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.VirtualService;
import io.strait.model.mesh.MeshModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * TCP and TLS routing of VirtualServices ({@code tcp}, {@code tls}) as Envoy TCP proxies: the first route whose
 * match applies takes the connection and splits it over its weighted destinations; without one, the connection
 * goes to the service itself. TLS routes pick by the client hello's SNI name, in filter chains the listener's TLS
 * inspector matches; TLS is never terminated. Envoy only: proxyless gRPC speaks HTTP.
 */
final class L4Routes {
    private L4Routes() {
    }

    /** The TCP proxy for connections to {@code service} on {@code port}: its VirtualService's TCP route, else the service. */
    static Filter tcp(MeshModel.Service service, int port, MeshModel model, RouteContext ctx, Set<ClusterRef> referenced) {
        Optional<IstioResource> vs = model.virtualServiceFor(service.host(), ctx.namespace());
        if (vs.isPresent()) {
            for (VirtualService.TcpRoute route : ((VirtualService) vs.get().spec()).tcp()) {
                boolean applies = route.match().isEmpty() || route.match().stream().anyMatch(m -> m != null
                        && ctx.admits(m.gateways(), m.port(), m.sourceNamespace(), m.sourceLabels(), vs.get().namespace()));
                if (applies) {
                    return proxy(route.route(), vs.get().namespace(), model, referenced);
                }
            }
        }
        ClusterRef ref = new ClusterRef(service.host(), port, null);
        referenced.add(ref);
        return Listeners.tcpProxy(ref.name());
    }

    /**
     * SNI filter chains for the TLS routes of a VirtualService, each route's SNI names that are {@code allowed} (on
     * a gateway: those its server's hosts cover) and not yet taken by an earlier chain (Envoy refuses two chains
     * matching the same name) to its destinations.
     */
    static List<FilterChain> tls(IstioResource vsResource, RouteContext ctx, MeshModel model, Set<String> sniTaken,
                                 java.util.function.Predicate<String> allowed, Set<ClusterRef> referenced) {
        List<FilterChain> chains = new ArrayList<>();
        VirtualService vs = (VirtualService) vsResource.spec();
        for (VirtualService.TlsRoute route : vs.tls()) {
            List<String> names = new ArrayList<>();
            for (VirtualService.TlsMatch m : route.match()) {
                if (m != null && ctx.admits(m.gateways(), m.port(), m.sourceNamespace(), m.sourceLabels(), vsResource.namespace())) {
                    m.sniHosts().stream().filter(h -> h != null && allowed.test(h) && sniTaken.add(h)).forEach(names::add);
                }
            }
            if (!names.isEmpty()) {
                chains.add(sni(names, proxy(route.route(), vsResource.namespace(), model, referenced)));
            }
        }
        return chains;
    }

    /** A filter chain taking the connections whose SNI name is one of {@code names}. */
    static FilterChain sni(List<String> names, Filter proxy) {
        return FilterChain.newBuilder().setName("sni:" + String.join(",", names))
                .setFilterChainMatch(FilterChainMatch.newBuilder().addAllServerNames(names)).addFilters(proxy).build();
    }

    /** A TCP proxy to weighted destinations (one destination: straight to its cluster). */
    static Filter proxy(List<VirtualService.RouteDestination> destinations, String ns, MeshModel model,
                        Set<ClusterRef> referenced) {
        List<TcpProxy.WeightedCluster.ClusterWeight> weighted = new ArrayList<>();
        for (VirtualService.RouteDestination d : destinations) {
            int weight = d.weight() == null ? (destinations.size() == 1 ? 100 : 0) : d.weight();
            if (weight == 0) {
                continue;
            }
            ClusterRef ref = RouteDestinations.resolve(d.destination(), ns, model);
            referenced.add(ref);
            weighted.add(TcpProxy.WeightedCluster.ClusterWeight.newBuilder().setName(ref.name()).setWeight(weight).build());
        }
        if (weighted.size() == 1) {
            return Listeners.tcpProxy(weighted.get(0).getName());
        }
        TcpProxy proxy = TcpProxy.newBuilder().setStatPrefix(weighted.get(0).getName())
                .setWeightedClusters(TcpProxy.WeightedCluster.newBuilder().addAllClusters(weighted)).build();
        return Filter.newBuilder().setName(Listeners.TCP_PROXY).setTypedConfig(Any.pack(proxy)).build();
    }
}
