package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.strait.model.istio.Gateway;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.VirtualService;
import io.strait.model.mesh.MeshModel;
import io.strait.translate.pilot.authz.InboundAuthz;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The listeners of an Envoy gateway, from the Gateways that select it: one listener per port,
 * {@code 0.0.0.0_<port>}, bound by the gateway. Plain HTTP servers share route configuration {@code http.<port>};
 * each TLS-terminating server gets a filter chain matched by SNI on its hosts, its own TLS context
 * ({@link DownstreamTls}) and route configuration {@code https.<port>.<server>.<gateway>.<namespace>}, as Istio
 * names them. A route configuration holds a virtual host per host that both a server and a bound VirtualService
 * name; {@code httpsRedirect} makes its virtual hosts require TLS. A PASSTHROUGH server gets a filter chain per SNI
 * name of the TLS routes bound to it ({@link L4Routes}). An AUTO_PASSTHROUGH server gets a filter chain per SNI-DNAT
 * cluster of the services its hosts cover ({@link EastWestGateway}). ISTIO_MUTUAL and TCP servers are not
 * translated yet (ingest warns).
 */
final class GatewayListeners {
    private GatewayListeners() {
    }

    /** A server and the Gateway that declares it. */
    private record Bound(IstioResource gateway, Gateway.Server server, int index) {
    }

    static void build(List<IstioResource> gateways, MeshModel model, RouteContext proxy, InboundAuthz authz,
                      java.util.Optional<io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter> jwt,
                      Set<ClusterRef> referenced, List<Listener> listeners, List<RouteConfiguration> routes) {
        build(gateways, model, proxy, authz, jwt, referenced, listeners, routes, List.of(), new java.util.TreeSet<>());
    }

    /**
     * As above, with the services the gateway proxy can see, for its AUTO_PASSTHROUGH servers, whose SNI-DNAT
     * clusters are collected in {@code sniDnat}.
     */
    static void build(List<IstioResource> gateways, MeshModel model, RouteContext proxy, InboundAuthz authz,
                      java.util.Optional<io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter> jwt,
                      Set<ClusterRef> referenced, List<Listener> listeners, List<RouteConfiguration> routes,
                      List<MeshModel.Service> visible, Set<ClusterRef> sniDnat) {
        List<io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter> httpFilters =
                HttpFilters.envoyOutbound(authz, jwt);
        List<io.envoyproxy.envoy.config.listener.v3.Filter> tcpAuthz = new ArrayList<>(authz.customTcp());
        tcpAuthz.addAll(authz.localTcp());
        Map<Integer, List<Bound>> byPort = new TreeMap<>();
        for (IstioResource gw : gateways) {
            List<Gateway.Server> servers = ((Gateway) gw.spec()).servers();
            for (int i = 0; i < servers.size(); i++) {
                Gateway.Server s = servers.get(i);
                if (s != null && s.port() != null && s.port().number() != null
                        && (s.terminatesTls() || plainHttp(s) || passthrough(s) || EastWestGateway.autoPassthrough(s))) {
                    byPort.computeIfAbsent(s.port().number(), p -> new ArrayList<>()).add(new Bound(gw, s, i));
                }
            }
        }
        byPort.forEach((port, bound) -> {
            Listener.Builder listener = Listeners.envoy("0.0.0.0_" + port, "0.0.0.0", port, true, TrafficDirection.OUTBOUND);
            Set<String> sniTaken = new HashSet<>();
            boolean defaultTaken = false;
            for (Bound b : bound) {
                if (EastWestGateway.autoPassthrough(b.server())) {
                    // no authz here, as in Istio: the workload behind checks the caller's mTLS identity itself
                    EastWestGateway.chains(b.server(), visible, model, sniTaken, sniDnat).forEach(listener::addFilterChains);
                    continue;
                }
                if (passthrough(b.server())) {
                    // TLS passes through to the destination its SNI name routes to; the gateway never decrypts it
                    RouteContext ctx = proxy.forGateway(b.gateway(), port);
                    for (IstioResource vs : model.virtualServicesBoundTo(b.gateway(), proxy.namespace())) {
                        for (FilterChain chain : L4Routes.tls(vs, ctx, model, sniTaken, sni -> b.server().dnsNames()
                                .stream().anyMatch(host -> intersection(sni, host) != null), referenced)) {
                            // the gateway's policies see these connections as TCP: network RBAC before the proxy
                            listener.addFilterChains(chain.toBuilder().clearFilters().addAllFilters(tcpAuthz)
                                    .addAllFilters(chain.getFiltersList()));
                        }
                    }
                    continue;
                }
                if (!b.server().terminatesTls()) {
                    continue;
                }
                // two chains may not match the same server name, and only one may match any name
                List<String> names = b.server().dnsNames().stream().filter(n -> !n.equals("*")).filter(sniTaken::add).toList();
                boolean anyName = b.server().dnsNames().contains("*");
                if (names.isEmpty() && (!anyName || defaultTaken)) {
                    continue;
                }
                FilterChainMatch.Builder match = FilterChainMatch.newBuilder();
                if (!anyName) {
                    match.addAllServerNames(names);
                } else {
                    defaultTaken = true;
                }
                String serverName = b.server().name() != null ? b.server().name() : String.valueOf(b.index());
                String routeName = "https." + port + "." + serverName + "." + b.gateway().name() + "." + b.gateway().namespace();
                routes.add(routeConfig(routeName, port, List.of(b), model, proxy, referenced));
                listener.addFilterChains(FilterChain.newBuilder().setName(routeName).setFilterChainMatch(match)
                        .setTransportSocket(DownstreamTls.of(b.server().tls()))
                        .addFilters(Listeners.rdsConnectionManager("outbound_0.0.0.0_" + port, routeName, httpFilters)));
            }
            if (listener.getFilterChainsCount() > 0) {
                listener.addListenerFilters(Listeners.tlsInspector());
            }
            List<Bound> plain = bound.stream().filter(b -> plainHttp(b.server())).toList();
            if (!plain.isEmpty() && !defaultTaken) {
                String routeName = "http." + port;
                routes.add(routeConfig(routeName, port, plain, model, proxy, referenced));
                listener.addFilterChains(FilterChain.newBuilder()
                        .addFilters(Listeners.rdsConnectionManager("outbound_0.0.0.0_" + port, routeName, httpFilters)));
            }
            if (listener.getFilterChainsCount() > 0) {
                listeners.add(listener.build());
            }
        });
    }

    private static boolean passthrough(Gateway.Server s) {
        return s.tls() != null && "PASSTHROUGH".equals(s.tls().mode());
    }

    /** HTTP without TLS termination: an HTTP-family protocol, TLS unset or only redirecting to HTTPS. */
    private static boolean plainHttp(Gateway.Server s) {
        String protocol = s.port().protocol() == null ? "HTTP" : s.port().protocol().toUpperCase(java.util.Locale.ROOT);
        return List.of("HTTP", "HTTP2", "GRPC", "GRPC-WEB").contains(protocol) && (s.tls() == null || s.tls().mode() == null);
    }

    private static RouteConfiguration routeConfig(String name, int port, List<Bound> servers, MeshModel model,
                                                  RouteContext proxy, Set<ClusterRef> referenced) {
        Map<String, VirtualHost.Builder> vhosts = new LinkedHashMap<>();
        Set<String> added = new HashSet<>(); // domain + VirtualService: a VirtualService's routes go in once
        // pass 0 takes the VirtualServices that name a host exactly, pass 1 those whose wildcard host covers it, so
        // a catch-all route of "*.example.com" never shadows the routes written for "shop.example.com"
        Map<IstioResource, List<IstioResource>> bound = new LinkedHashMap<>(); // per gateway, looked up once
        servers.forEach(b -> bound.computeIfAbsent(b.gateway(), gw -> model.virtualServicesBoundTo(gw, proxy.namespace())));
        for (int pass = 0; pass < 2; pass++) {
            for (Bound b : servers) {
                RouteContext ctx = proxy.forGateway(b.gateway(), port);
                boolean redirect = b.server().tls() != null && Boolean.TRUE.equals(b.server().tls().httpsRedirect());
                for (IstioResource vsResource : bound.get(b.gateway())) {
                    for (String vsHost : ((VirtualService) vsResource.spec()).hosts()) {
                        for (String serverHost : b.server().dnsNames()) {
                            String domain = vsHost == null ? null : intersection(vsHost, serverHost);
                            if (domain == null || (domain.equals(vsHost) != (pass == 0))
                                    || !added.add(domain + "\n" + vsResource.key())) {
                                continue;
                            }
                            VirtualHost.Builder vhost = vhosts.computeIfAbsent(domain, d -> VirtualHost.newBuilder()
                                    .setName(d + ":" + port).addAllDomains(d.contains("*") ? List.of(d) : List.of(d, d + ":*"))
                                    .setIncludeRequestAttemptCount(true)); // x-envoy-attempt-count, as in Istio
                            vhost.addAllRoutes(RouteConfigs.routes(vsResource, ctx, model, referenced));
                            if (redirect) {
                                vhost.setRequireTls(VirtualHost.TlsRequirementType.ALL);
                            }
                        }
                    }
                }
            }
        }
        RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName(name);
        vhosts.values().forEach(rc::addVirtualHosts);
        if (vhosts.isEmpty()) {
            // no VirtualService binds a host here: answer 404 rather than leave the port without routes
            rc.addVirtualHosts(VirtualHost.newBuilder().setName("blackhole:" + port).addDomains("*")
                    .addRoutes(Route.newBuilder().setName("default").setMatch(RouteMatches.of(null))
                            .setDirectResponse(DirectResponseAction.newBuilder().setStatus(404))));
        }
        return rc.build();
    }

    /**
     * The hosts both names cover, as one name, or null: equal names, or the more specific of a name and a wildcard
     * that covers it ({@code *} covers everything, {@code *.example.com} covers {@code a.example.com}).
     */
    static String intersection(String a, String b) {
        if (a.equals(b) || covers(b, a)) {
            return a;
        }
        return covers(a, b) ? b : null;
    }

    private static boolean covers(String wildcard, String host) {
        return wildcard.equals("*") || (wildcard.startsWith("*.") && host.endsWith(wildcard.substring(1)));
    }
}
