package io.strait.translate.grpc;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.VirtualService;
import io.strait.model.istio.VirtualService.HttpRoute;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyType;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The route configuration of one service port: the VirtualService's HTTP routes in order (first match wins, as
 * in Istio), or a single default route to the service when no VirtualService routes it.
 */
final class RouteConfigs {
    private RouteConfigs() {
    }

    static RouteConfiguration of(String name, MeshModel.Service service, int port, MeshModel model, String viewerNamespace,
                                 ProxyType proxy, Set<ClusterRef> referenced) {
        VirtualHost.Builder vhost = VirtualHost.newBuilder().setName(name)
                .addAllDomains(List.of(service.host() + ":" + port, service.host()));
        Optional<IstioResource> vsResource = model.virtualServiceFor(service.host(), viewerNamespace);
        if (vsResource.isPresent()) {
            VirtualService vs = (VirtualService) vsResource.get().spec();
            String ns = vsResource.get().namespace();
            for (int i = 0; i < vs.http().size(); i++) {
                HttpRoute http = vs.http().get(i);
                String routeName = http.name() != null ? http.name() : vsResource.get().name() + "." + i;
                if (http.redirect() == null && http.directResponse() == null && http.route().isEmpty()) {
                    continue; // a delegating route (not translated yet: ingest warns) forwards nowhere itself
                }
                if (proxy == ProxyType.GRPC && (http.redirect() != null || http.directResponse() != null)) {
                    // gRPC rejects a whole route configuration holding a redirect or direct response (it NACKs
                    // "unknown action type"), so its clients do without the route; ingest warns about it
                    continue;
                }
                RouteAction action = null;
                if (!http.route().isEmpty()) {
                    RouteAction.Builder forwarding = RouteDestinations.of(http.route(), ns, model, referenced).toBuilder();
                    if (proxy != ProxyType.GRPC) {
                        Mirrors.apply(http, ns, model, referenced, forwarding); // gRPC does not mirror: no clusters for it
                    }
                    action = forwarding.build();
                }
                // each match block is an alternative: Istio emits one Envoy route per block, in order
                List<VirtualService.HttpMatchRequest> matches = http.match().isEmpty()
                        ? java.util.Collections.singletonList(null) : http.match();
                for (VirtualService.HttpMatchRequest m : matches) {
                    Route.Builder route = Route.newBuilder().setName(routeName).setMatch(RouteMatches.of(m));
                    if (http.redirect() != null) {
                        route.setRedirect(NonForwardingActions.redirect(http.redirect()));
                    } else if (http.directResponse() != null) {
                        route.setDirectResponse(NonForwardingActions.directResponse(http.directResponse()));
                    } else {
                        route.setRoute(action);
                    }
                    RouteFeatures.ALL.forEach(feature -> feature.apply(http, route));
                    vhost.addRoutes(route);
                }
            }
        } else {
            ClusterRef ref = new ClusterRef(service.host(), port, null);
            referenced.add(ref);
            vhost.addRoutes(Route.newBuilder().setName("default").setMatch(RouteMatches.of(null))
                    .setRoute(RouteAction.newBuilder().setCluster(ref.name())));
        }
        return RouteConfiguration.newBuilder().setName(name).addVirtualHosts(vhost).build();
    }
}
