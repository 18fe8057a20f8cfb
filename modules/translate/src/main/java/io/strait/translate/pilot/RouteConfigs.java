package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.route.v3.Decorator;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.VirtualService;
import io.strait.model.istio.VirtualService.HttpRoute;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Routes: a VirtualService's HTTP routes in order (first match wins, as in Istio), or a single default route to
 * the service when no VirtualService routes it (which carries what the DestinationRule and the mesh say, as
 * Istio's does). Proxyless gRPC gets one route configuration per service port;
 * Envoy sidecars and gateways gather the same routes into virtual hosts of their listeners' route configurations.
 */
final class RouteConfigs {
    /** The name of a service's route when no VirtualService routes it, as in Istio. */
    static final String DEFAULT_ROUTE = "default";

    private RouteConfigs() {
    }

    /** The route configuration of one service port, as a proxyless gRPC client dials it ({@code host:port}). */
    static RouteConfiguration of(String name, MeshModel.Service service, int port, MeshModel model, RouteContext ctx,
                                 Set<ClusterRef> referenced) {
        VirtualHost.Builder vhost = VirtualHost.newBuilder().setName(name)
                .addAllDomains(List.of(service.host() + ":" + port, service.host()))
                .addAllRoutes(meshRoutes(service, port, model, ctx, referenced));
        return RouteConfiguration.newBuilder().setName(name).addVirtualHosts(vhost).build();
    }

    /** The routes of one service port for mesh proxies: its VirtualService's, else straight to the service. */
    static List<Route> meshRoutes(MeshModel.Service service, int port, MeshModel model, RouteContext ctx,
                                  Set<ClusterRef> referenced) {
        return meshRoutes(service, port, model, ctx, Viewer.of(model, ctx), referenced);
    }

    /**
     * What of the proxy a service port's mesh routes are keyed by: the same for every service of one route
     * configuration, so a sidecar's 1,000 virtual hosts ask for it once ({@link SidecarOutbound}).
     */
    record Viewer(String namespace, Map<String, String> labels, io.strait.model.mesh.DestinationRules.View rules) {
        static Viewer of(MeshModel model, RouteContext ctx) {
            return new Viewer(NamespaceSharing.routeNamespace(model, ctx.namespace()),
                    NamespaceSharing.routesReadLabels(model) ? ctx.labels() : Map.of(),
                    model.destinationRulesFor(ctx.namespace(), ctx.labels())); // session affinity: the rule's consistentHash
        }
    }

    /** {@link #meshRoutes(MeshModel.Service, int, MeshModel, RouteContext, Set)} for {@code viewer}, of {@code ctx}. */
    static List<Route> meshRoutes(MeshModel.Service service, int port, MeshModel model, RouteContext ctx, Viewer viewer,
                                  Set<ClusterRef> referenced) {
        if (ctx.gateway() != null) {
            return computeMeshRoutes(service, port, model, ctx, referenced);
        }
        // the same for every proxy whose namespace and labels no VirtualService tells apart: computed once per model
        MeshRoutesKey key = new MeshRoutesKey(service.host(), port, ctx.proxy(), viewer.namespace(), viewer.labels(),
                ctx.port(), ctx.defaults(), viewer.rules());
        MeshRoutes routes = model.derived(key, k -> {
            Set<ClusterRef> named = new java.util.TreeSet<>();
            return new MeshRoutes(List.copyOf(computeMeshRoutes(service, port, model, ctx, named)), Set.copyOf(named));
        });
        if (referenced instanceof VisibleClusters.Gathered gathered) {
            gathered.addDerived(routes.referenced()); // asked once per model and set, not per cluster
        } else {
            referenced.addAll(routes.referenced());
        }
        return routes.routes();
    }

    /** What a service port's mesh routes depend on beyond the model ({@link #meshRoutes}). */
    private record MeshRoutesKey(String host, int port, ProxyType proxy, String namespace, Map<String, String> labels,
                                 Integer listenerPort, RouteDefaults defaults, io.strait.model.mesh.DestinationRules.View rules) {
    }

    /** A service port's mesh routes and the clusters they name. */
    private record MeshRoutes(List<Route> routes, Set<ClusterRef> referenced) {
    }

    private static List<Route> computeMeshRoutes(MeshModel.Service service, int port, MeshModel model, RouteContext ctx,
                                                 Set<ClusterRef> referenced) {
        Optional<IstioResource> vs = model.virtualServiceFor(service.host(), ctx.namespace());
        if (vs.isPresent()) {
            return routes(vs.get(), ctx, model, referenced);
        }
        return defaultRoute(service, port, model, ctx, referenced);
    }

    /**
     * The route of a service port no VirtualService routes, as Istio builds it ({@code BuildDefaultHTTPOutboundRoute}
     * with the DestinationRule's hash key): the route a VirtualService with one route to the port and nothing else
     * would give — the service's hash policy, the mesh's default retries, no timeout — named {@code default}, and on
     * Envoy with the trace operation {@code <host>:<port>/*} Istio gives it. Built by the same route features, so
     * the two cannot drift apart.
     */
    private static List<Route> defaultRoute(MeshModel.Service service, int port, MeshModel model, RouteContext ctx,
                                            Set<ClusterRef> referenced) {
        HttpRoute toService = new HttpRoute(DEFAULT_ROUTE, List.of(), List.of(new VirtualService.HttpRouteDestination(
                new VirtualService.Destination(service.host(), null, new VirtualService.PortSelector(port)), null, null)),
                null, null, null, null, null, null, null, null, List.of(), null, null, null);
        List<Route> out = new ArrayList<>();
        emit(toService, DEFAULT_ROUTE, ctx.namespace(), List.of(), ctx.namespace(), Optional.empty(), ctx, model,
                referenced, out);
        if (ctx.proxy() == ProxyType.GRPC) {
            return out;
        }
        return out.stream().map(RetryTargets::withPreviousHosts).map(r -> r.toBuilder().setDecorator(Decorator.newBuilder()
                .setOperation(service.host() + ":" + port + "/*")).build()).toList();
    }

    /** The Envoy routes of a VirtualService's HTTP routes, keeping the match blocks that apply in {@code ctx}. */
    static List<Route> routes(IstioResource vsResource, RouteContext ctx, MeshModel model, Set<ClusterRef> referenced) {
        List<Route> out = new ArrayList<>();
        VirtualService vs = (VirtualService) vsResource.spec();
        for (int i = 0; i < vs.http().size(); i++) {
            HttpRoute http = vs.http().get(i);
            String routeName = http.name() != null ? http.name() : vsResource.name() + "." + i;
            if (http.delegate() != null) {
                // the delegate's routes stand in for this one, each within this route's match
                Delegates.target(http.delegate(), vsResource.namespace(), model).ifPresent(delegate -> {
                    VirtualService child = (VirtualService) delegate.spec();
                    for (int j = 0; j < child.http().size(); j++) {
                        HttpRoute d = child.http().get(j);
                        String name = d.name() != null ? d.name() : delegate.name() + "." + j;
                        emit(d, name, delegate.namespace(), Delegates.merge(http.match(), d.match()), vsResource.namespace(),
                                LocalRateLimits.perRoute(delegate).or(() -> LocalRateLimits.perRoute(vsResource)),
                                ctx, model, referenced, out);
                    }
                });
                continue;
            }
            emit(http, routeName, vsResource.namespace(), http.match(), vsResource.namespace(),
                    LocalRateLimits.perRoute(vsResource), ctx, model, referenced, out);
        }
        return out;
    }

    /**
     * The Envoy routes of one Istio HTTP route: one per match block that applies in {@code ctx} (blocks for other
     * gateways, ports or source workloads are left out, and a route with none left is too).
     *
     * @param ns        namespace the route's destinations are written in
     * @param gatewayNs namespace its gateway references are written in (the root's, for a delegated route)
     * @param rateLimit the local rate limit of its VirtualService (the delegate's, else the root's), Envoy only
     */
    private static void emit(HttpRoute http, String routeName, String ns, List<VirtualService.HttpMatchRequest> blocks,
                             String gatewayNs, Optional<com.google.protobuf.Any> rateLimit, RouteContext ctx, MeshModel model,
                             Set<ClusterRef> referenced, List<Route> out) {
        if (http.redirect() == null && http.directResponse() == null && http.route().isEmpty()) {
            return; // forwards nowhere (a delegate of a delegate is refused by ingest)
        }
        if (ctx.proxy() == ProxyType.GRPC && (http.redirect() != null || http.directResponse() != null)) {
            // gRPC rejects a whole route configuration holding a redirect or direct response (it NACKs
            // "unknown action type"), so its clients do without the route; ingest warns about it
            return;
        }
        // each match block is an alternative: Istio emits one Envoy route per block, in order
        List<VirtualService.HttpMatchRequest> matches = blocks.isEmpty()
                ? java.util.Collections.singletonList(null)
                : blocks.stream().filter(m -> ctx.admits(m, gatewayNs)).toList();
        if (matches.isEmpty()) {
            return;
        }
        RouteAction action = null;
        if (!http.route().isEmpty()) {
            RouteAction.Builder forwarding = RouteDestinations.of(http.route(), ns, model, ctx.proxy(),
                    model.destinationRulesFor(ctx.namespace(), ctx.labels()), referenced).toBuilder();
            if (ctx.proxy() != ProxyType.GRPC) {
                Mirrors.apply(http, ns, model, referenced, forwarding); // gRPC does not mirror: no clusters for it
            }
            action = forwarding.build();
        }
        for (VirtualService.HttpMatchRequest m : matches) {
            Route.Builder route = Route.newBuilder().setName(routeName).setMatch(RouteMatches.of(m));
            if (http.redirect() != null) {
                route.setRedirect(NonForwardingActions.redirect(http.redirect()));
            } else if (http.directResponse() != null) {
                route.setDirectResponse(NonForwardingActions.directResponse(http.directResponse()));
            } else {
                route.setRoute(action);
            }
            RouteFeatures.ALL.forEach(feature -> feature.apply(http, ctx, route));
            if (ctx.proxy() != ProxyType.GRPC) {
                RouteFeatures.ENVOY_ONLY.forEach(feature -> feature.apply(http, ctx, route));
                rateLimit.ifPresent(limit -> route.putTypedPerFilterConfig(LocalRateLimits.FILTER, limit));
            }
            out.add(route.build());
        }
    }
}
