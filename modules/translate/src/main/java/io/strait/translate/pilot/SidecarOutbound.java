package io.strait.translate.pilot;

import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.mesh.MeshModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The outbound side of an Envoy sidecar, laid out as Istio lays it out so an Istio-style bootstrap and iptables
 * capture work unchanged: {@code virtualOutbound} on 15001 takes every captured connection and hands it to the
 * listener of its original destination port, {@code 0.0.0.0_<port>} (not bound itself). An HTTP port's listener
 * routes by RDS through route configuration {@code <port>}, one virtual host per service on that port; a TCP
 * port's listener proxies to the service whose {@code addresses} hold the destination IP, else to the port's only
 * address-less TCP service. What matches no service goes to {@code PassthroughCluster} (ALLOW_ANY) or nowhere
 * (REGISTRY_ONLY, the Sidecar's {@code outboundTrafficPolicy}).
 */
final class SidecarOutbound {
    static final int VIRTUAL_OUTBOUND_PORT = 15001;

    private SidecarOutbound() {
    }

    static void build(List<MeshModel.Service> services, MeshModel model, RouteContext mesh, boolean registryOnly,
                      Set<ClusterRef> referenced, List<Listener> listeners, List<RouteConfiguration> routes) {
        Map<Integer, List<MeshModel.Service>> http = new TreeMap<>();
        Map<Integer, List<MeshModel.Service>> tcp = new TreeMap<>();
        Map<Integer, List<MeshModel.Service>> tls = new TreeMap<>();
        for (MeshModel.Service service : services) {
            for (ServiceEntry.ServicePort port : service.entry().ports()) {
                (port.isHttp() ? http : port.isTls() ? tls : tcp).computeIfAbsent(port.number(), p -> new ArrayList<>()).add(service);
            }
        }
        Set<Integer> ports = new java.util.TreeSet<>(http.keySet());
        ports.addAll(tcp.keySet());
        ports.addAll(tls.keySet());
        String fallback = registryOnly ? PassthroughClusters.BLACKHOLE : PassthroughClusters.PASSTHROUGH;
        for (int port : ports) {
            String name = "0.0.0.0_" + port;
            Listener.Builder listener = Listeners.envoy(name, "0.0.0.0", port, false, TrafficDirection.OUTBOUND);
            RouteContext ctx = mesh.atPort(port);
            // TLS services by SNI name: their VirtualServices' TLS routes first, then each service's own host
            Set<String> sniTaken = new HashSet<>();
            for (MeshModel.Service service : tls.getOrDefault(port, List.of())) {
                model.virtualServiceFor(service.host(), mesh.namespace())
                        .ifPresent(vs -> listener.addAllFilterChains(L4Routes.tls(vs, ctx, model, sniTaken, h -> true, referenced)));
            }
            for (MeshModel.Service service : tls.getOrDefault(port, List.of())) {
                if (sniTaken.add(service.host())) {
                    listener.addFilterChains(L4Routes.sni(List.of(service.host()), L4Routes.tcp(service, port, model, ctx, referenced)));
                }
            }
            if (listener.getFilterChainsCount() > 0) {
                listener.addListenerFilters(Listeners.tlsInspector());
            }
            List<MeshModel.Service> addressless = new ArrayList<>();
            Set<String> cidrs = new HashSet<>();
            for (MeshModel.Service service : tcp.getOrDefault(port, List.of())) {
                ClusterRef ref = new ClusterRef(service.host(), port, null);
                FilterChainMatch.Builder match = FilterChainMatch.newBuilder();
                // two chains may not match the same destination: Envoy refuses the listener
                service.entry().addresses().stream().filter(a -> a != null && cidrs.add(a))
                        .forEach(a -> match.addPrefixRanges(cidr(a)));
                if (match.getPrefixRangesCount() == 0) {
                    addressless.add(service);
                    continue;
                }
                listener.addFilterChains(FilterChain.newBuilder().setName(ref.name()).setFilterChainMatch(match)
                        .addFilters(L4Routes.tcp(service, port, model, ctx, referenced)));
            }
            FilterChain.Builder defaultChain = FilterChain.newBuilder();
            if (http.containsKey(port)) {
                routes.add(routeConfig(port, http.get(port), model, mesh, registryOnly, referenced));
                defaultChain.addFilters(Listeners.rdsConnectionManager("outbound_" + name, String.valueOf(port),
                        HttpFilters.envoyOutbound()));
            } else if (!addressless.isEmpty()) {
                // without addresses Envoy cannot tell TCP services on one port apart; the first by host takes it
                MeshModel.Service first = addressless.get(0);
                defaultChain.setName(new ClusterRef(first.host(), port, null).name())
                        .addFilters(L4Routes.tcp(first, port, model, ctx, referenced));
            } else {
                defaultChain.setName(fallback).addFilters(Listeners.tcpProxy(fallback));
            }
            listeners.add(listener.addFilterChains(defaultChain).build());
        }
        listeners.add(Listeners.envoy("virtualOutbound", "0.0.0.0", VIRTUAL_OUTBOUND_PORT, true, TrafficDirection.OUTBOUND)
                .setUseOriginalDst(BoolValue.of(true))
                .addFilterChains(FilterChain.newBuilder().setName("virtualOutbound-catchall-tcp")
                        .addFilters(Listeners.tcpProxy(fallback)))
                .build());
    }

    /** What a sidecar's outbound virtual host is built from ({@link MeshModel#derived}). */
    private record VirtualHostKey(String host, int port, List<String> domains,
                                  List<io.envoyproxy.envoy.config.route.v3.Route> routes) {
    }

    /** Route configuration {@code <port>}: a virtual host per HTTP service on the port, then the fallback. */
    @SuppressWarnings("deprecation") // max_grpc_timeout, which Istio sets (see Timeouts)
    private static RouteConfiguration routeConfig(int port, List<MeshModel.Service> services, MeshModel model,
                                                  RouteContext mesh, boolean registryOnly, Set<ClusterRef> referenced) {
        RouteContext ctx = mesh.atPort(port);
        RouteConfigs.Viewer viewer = RouteConfigs.Viewer.of(model, ctx);
        RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName(String.valueOf(port));
        Set<String> taken = new HashSet<>();
        PortVirtualHosts shared = PortVirtualHosts.of(port, services, model, ctx, viewer);
        if (shared != null) {
            // no two names can collide on this port: the model's list, with this namespace's short names
            rc.addAllVirtualHosts(shared.forNamespace(mesh.namespace(), i -> virtualHost(services.get(i), port,
                    domainsOf(model, services.get(i).host(), port, true), model, ctx, viewer, referenced)));
            shared.addReferenced(referenced);
            if (shared.wildcard()) {
                taken.add("*");
            }
        } else {
            for (MeshModel.Service service : services) {
                List<String> domains = unclaimed(domainsOf(model, service.host(), port,
                        answersToShortName(service.host(), mesh.namespace())), taken);
                if (domains.isEmpty()) {
                    continue; // every name already belongs to a service before it
                }
                rc.addVirtualHosts(virtualHost(service, port, domains, model, ctx, viewer, referenced));
            }
        }
        if (!taken.contains("*")) {
            Route.Builder route = Route.newBuilder().setName(registryOnly ? "block_all" : "allow_any")
                    .setMatch(RouteMatches.of(null));
            if (registryOnly) {
                route.setDirectResponse(DirectResponseAction.newBuilder().setStatus(502));
            } else {
                // no timeout, as Istio: Envoy's default of 15 s would cut long requests to hosts outside the mesh
                route.setRoute(RouteAction.newBuilder().setCluster(PassthroughClusters.PASSTHROUGH)
                        .setTimeout(com.google.protobuf.Duration.getDefaultInstance())
                        .setMaxGrpcTimeout(com.google.protobuf.Duration.getDefaultInstance()));
            }
            rc.addVirtualHosts(VirtualHost.newBuilder().setName(route.getName()).addDomains("*")
                    .setIncludeRequestAttemptCount(true).addRoutes(route));
        }
        return rc.build();
    }

    /** A service port's names ({@link #domains}), one list instance per model: virtual hosts are found by its identity. */
    static List<String> domainsOf(MeshModel model, String host, int port, boolean shortName) {
        return model.derived(new DomainsKey(host, port, shortName), k -> domains(k.host(), k.port(), k.shortName()));
    }

    /**
     * A service port's virtual host answering to {@code domains}, with its mesh routes (whose clusters
     * {@code referenced} gains). The attempt count header (x-envoy-attempt-count) lets the application tell a retry,
     * as in Istio. Built once per model for each host, domains and routes: the scopes of a revision share most of them.
     */
    static VirtualHost virtualHost(MeshModel.Service service, int port, List<String> domains, MeshModel model,
                                   RouteContext ctx, RouteConfigs.Viewer viewer, Set<ClusterRef> referenced) {
        List<Route> serviceRoutes = RouteConfigs.meshRoutes(service, port, model, ctx, viewer, referenced);
        return model.derived(new VirtualHostKey(service.host(), port, domains, serviceRoutes),
                k -> VirtualHost.newBuilder().setName(k.host() + ":" + k.port()).addAllDomains(k.domains())
                        .setIncludeRequestAttemptCount(true).addAllRoutes(k.routes()).build());
    }

    /** What a service port's domains depend on: whether the viewer's namespace is the service's (a short name). */
    private record DomainsKey(String host, int port, boolean shortName) {
    }

    /**
     * The domains no service before this one claimed ({@code taken} gains them): the shared list itself when none
     * was, as for nearly every service, so virtual hosts of a revision are found by that list's identity.
     */
    private static List<String> unclaimed(List<String> domains, Set<String> taken) {
        List<String> kept = null;
        for (int i = 0; i < domains.size(); i++) {
            if (!taken.add(domains.get(i))) {
                if (kept == null) {
                    kept = new ArrayList<>(domains.subList(0, i));
                }
            } else if (kept != null) {
                kept.add(domains.get(i));
            }
        }
        return kept == null ? domains : List.copyOf(kept);
    }

    /**
     * Whether a sidecar of {@code viewerNamespace} also answers to the short name of {@code host}: a Kubernetes host
     * {@code name.<viewerNamespace>.svc.cluster.local} (what {@link #domains} reads, without building its parts).
     */
    static boolean answersToShortName(String host, String viewerNamespace) {
        String suffix = ".svc.cluster.local";
        int ns = host.length() - suffix.length() - viewerNamespace.length();
        return ns > 1 && host.endsWith(suffix) && host.charAt(ns - 1) == '.' && host.startsWith(viewerNamespace, ns)
                && host.lastIndexOf('.', ns - 2) < 0;
    }

    /**
     * The names a workload may use for a service, as Istio generates them: the host, and for a Kubernetes-style
     * host ({@code name.ns.svc.cluster.local}) the shorter forms {@code name.ns.svc} and {@code name.ns}, plus
     * {@code name} from the same namespace; each with and without {@code :port}.
     */
    static List<String> domains(MeshModel.Service service, int port, String viewerNamespace) {
        return domains(service.host(), port, answersToShortName(service.host(), viewerNamespace));
    }

    private static List<String> domains(String host, int port, boolean shortName) {
        Set<String> names = new LinkedHashSet<>();
        names.add(host);
        String suffix = ".svc.cluster.local";
        if (host.endsWith(suffix)) {
            String nameNs = host.substring(0, host.length() - suffix.length());
            int dot = nameNs.indexOf('.');
            if (dot > 0 && nameNs.indexOf('.', dot + 1) < 0) {
                names.add(nameNs + ".svc");
                names.add(nameNs);
                if (shortName) {
                    names.add(nameNs.substring(0, dot));
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.add(n);
            out.add(n + ":" + port);
        }
        return List.copyOf(out);
    }

    static CidrRange cidr(String address) {
        int slash = address.indexOf('/');
        String ip = slash < 0 ? address : address.substring(0, slash);
        int len = slash < 0 ? (ip.contains(":") ? 128 : 32) : Integer.parseInt(address.substring(slash + 1));
        return CidrRange.newBuilder().setAddressPrefix(ip).setPrefixLen(UInt32Value.of(len)).build();
    }
}
