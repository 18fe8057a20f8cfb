package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.istio.Sidecar;
import io.strait.model.mesh.DestinationRules;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.model.proxy.ProxyType;
import io.strait.translate.pilot.authn.JwtAuthn;
import io.strait.translate.pilot.authz.InboundAuthz;
import io.strait.translate.xds.XdsResources;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The translation {@code MeshModel × scope → Envoy resources}: a pure function of its inputs.
 *
 * <p>A scope gets the services it can reach — exported to its namespace, allowed by its Sidecar's egress hosts —
 * so a Sidecar shrinks what its proxies receive. Every such service port gets a cluster, one per DestinationRule
 * subset, and the clusters its routes name; every EDS cluster gets its assignment (see {@link Clusters} for DNS
 * and passthrough services). Clusters are collected from
 * the routes themselves, so a route never names a cluster the scope does not carry.
 *
 * <p>Listeners depend on the proxy kind: proxyless gRPC gets an API listener and a route configuration per service
 * port; an Envoy sidecar gets Istio's layout ({@link SidecarOutbound}, {@link SidecarInbound}); an Envoy gateway
 * gets the listeners of the Gateways that select it ({@link GatewayListeners}).
 */
public final class ScopeTranslator {
    /** Fixed route defaults, or null to take them from each model's MeshConfig. */
    private final RouteDefaults defaults;

    /** A translator whose routes take the defaults of the model's MeshConfig ({@link RouteDefaults#of}). */
    public ScopeTranslator() {
        this.defaults = null;
    }

    /** A translator whose routes take {@code defaults} where their VirtualService says nothing, whatever MeshConfig says. */
    public ScopeTranslator(RouteDefaults defaults) {
        this.defaults = java.util.Objects.requireNonNull(defaults);
    }

    /**
     * Everything of a proxy that its translation depends on: its kind, its namespace when config makes it matter
     * (visibility, exported VirtualServices, policies; else {@link NamespaceSharing#SHARED}, see
     * {@link NamespaceSharing}), the Sidecar that applies to it, and the other selectors of the mesh that pick its labels
     * ({@link MeshModel#selectorsPicking}), and its locality when locality-aware load balancing is in use, and its
     * network when the mesh has several (split-horizon EDS), and its cluster when a registry service is cluster-local
     * ({@link MeshModel#forCluster}). Scopes with equal inputs get identical resources, so a translator computes each
     * distinct input once per revision, however many scopes share it.
     */
    public record Inputs(ProxyType type, String namespace, Optional<Sidecar> sidecar, SortedSet<String> pickedBy,
                         String locality, String network, String cluster) {
    }

    /**
     * What an outbound cluster is computed from, beyond the model ({@link MeshModel#derived}): its host's
     * DestinationRule as the scope resolves it (compared by identity; null for none), which with the model also
     * decides its assignment's name ({@link EdsNames#ruleOf}).
     */
    private record ClusterKey(ClusterRef ref, ProxyType type, String locality, String network,
                              DestinationRules.Resolved rule) {
    }

    /** What an outbound cluster's assignment is computed from, beyond the model. */
    private record AssignmentKey(ClusterRef ref, String locality, String network, DestinationRules.Resolved rule) {
    }

    /**
     * Which values a model derived for the translations this class makes may be taken over by the model after a
     * revision about {@code hosts} alone ({@link MeshModel#adopt}): the clusters and assignments of every other host.
     * A cluster and its assignment depend on the model through their host alone — its service, endpoints and
     * workloads, and its DestinationRule, which is part of the key — and on what a host-scoped revision cannot change
     * (MeshConfig, PeerAuthentications, networks, locality-aware balancing: any change of those translates from scratch,
     * {@code ChangeImpact}). {@code ChangeImpactTest} checks that every proxy translates to the same either way.
     */
    public static java.util.function.Predicate<Object> unchangedBy(Set<String> hosts) {
        return key -> (key instanceof ClusterKey c && !hosts.contains(c.ref().host()))
                || (key instanceof AssignmentKey a && !hosts.contains(a.ref().host()));
    }

    public static Inputs inputsOf(MeshModel model, ProxyIdentity proxy) {
        return new Inputs(proxy.type(), NamespaceSharing.inputNamespace(model, proxy.type(), proxy.namespace()),
                model.sidecarFor(proxy), model.selectorsPicking(proxy),
                locality(model, proxy), network(model, proxy), model.hasClusterLocalServices() ? proxy.clusterId() : "");
    }

    /** The proxy's network when the mesh has several (gateways); otherwise it changes nothing. */
    private static String network(MeshModel model, ProxyIdentity proxy) {
        return model.networks().multiNetwork() ? proxy.network() : "";
    }

    /**
     * Whether a sidecar drops traffic to destinations outside the registry: its Sidecar's {@code outboundTrafficPolicy}
     * when it sets one (with no {@code mode}, REGISTRY_ONLY, the proto's zero value, as Istio reads it), else the
     * MeshConfig's (ALLOW_ANY by default).
     */
    static boolean registryOnly(MeshModel model, ProxyIdentity proxy) {
        return model.sidecarFor(proxy).map(Sidecar::outboundTrafficPolicy)
                .map(Sidecar.OutboundTrafficPolicy::registryOnly)
                .orElse(model.meshConfig().outboundTrafficPolicy().registryOnly());
    }

    /** The proxy's locality when some DestinationRule balances by it; otherwise it changes nothing. */
    private static String locality(MeshModel model, ProxyIdentity proxy) {
        return model.usesLocality() ? proxy.locality() : "";
    }

    /**
     * The assignment of an outbound EDS cluster ({@code outbound|<port>|<subset>|<host>}, or an east-west gateway's
     * {@code outbound_.<port>_.<subset>_.<host>}, each optionally {@code ~<network>}, see {@link EdsNames}) as served
     * by name: what {@link #translate} gives every scope that is not balanced by locality, computed without
     * translating one.
     */
    public static ClusterLoadAssignment assignment(MeshModel model, String clusterName) {
        String cluster = EdsNames.clusterOf(clusterName);
        String network = EdsNames.networkOf(clusterName);
        Optional<ClusterRef> sni = ClusterRef.parseSni(cluster);
        if (sni.isPresent()) {
            return Endpoints.eastWest(sni.get(), model, network);
        }
        ClusterRef ref = ClusterRef.parse(cluster)
                .orElseThrow(() -> new IllegalArgumentException("not an outbound cluster name: " + clusterName));
        return Endpoints.byName(ref, clusterName, model);
    }

    /**
     * The service host an assignment served by name is for ({@code outbound|…}, {@code outbound_.…}, either with a
     * network suffix, see {@link EdsNames}); empty for any other name.
     */
    public static Optional<String> hostOf(String assignmentName) {
        String cluster = EdsNames.clusterOf(assignmentName);
        return ClusterRef.parse(cluster).or(() -> ClusterRef.parseSni(cluster)).map(ClusterRef::host);
    }

    /**
     * The ports a proxyless gRPC server of this scope gets inbound listeners for (its own WorkloadEntries' ports,
     * see {@link GrpcInbound}); empty for other proxy kinds. An endpoint change that moves them is not endpoint-only.
     */
    public static SortedSet<Integer> grpcInboundPorts(MeshModel model, ProxyIdentity proxy) {
        return proxy.type() == ProxyType.GRPC ? GrpcInbound.ports(model, proxy) : new TreeSet<>();
    }

    public XdsResources translate(MeshModel whole, ProxyIdentity proxy) {
        MeshModel model = whole.forCluster(proxy.clusterId()); // cluster-local services: the proxy's own cluster only
        List<MeshModel.Service> services = model.servicesFor(proxy);
        // every service port's cluster and its subsets' (shared by the scopes that see the same services), and what
        // the routes and filters below add beyond them
        // the DestinationRules as this proxy resolves them (its namespace's own, exported ones, the root's; selectors)
        DestinationRules.View rules = model.destinationRulesFor(proxy.namespace(), proxy.labels());
        VisibleClusters visible = VisibleClusters.of(model, services, rules);
        VisibleClusters.Gathered clusters = visible.gather();
        SortedSet<ClusterRef> sniDnat = new TreeSet<>(); // an east-west gateway's AUTO_PASSTHROUGH clusters
        List<Listener> listeners = new ArrayList<>();
        List<RouteConfiguration> routes = new ArrayList<>();
        List<Cluster> otherClusters = new ArrayList<>();
        RouteContext mesh = RouteContext.mesh(proxy.type(), proxy.namespace(), proxy.labels(),
                defaults != null ? defaults : RouteDefaults.of(model.meshConfig()));
        InboundAuthz authz = InboundAuthz.of(model, proxy.namespace(), proxy.labels());
        if (proxy.type() != ProxyType.GRPC) {
            // ext_authz calls its provider through an outbound cluster the scope must carry (gRPC has no ext_authz)
            authz.extAuthzClusters().forEach(name -> ClusterRef.parse(name).ifPresent(clusters::add));
        }
        switch (proxy.type()) {
            case GRPC -> {
                for (MeshModel.Service service : services) {
                    for (ServiceEntry.ServicePort port : service.entry().ports()) {
                        String name = service.host() + ":" + port.number();
                        RouteContext ctx = mesh.atPort(port.number());
                        listeners.add(Listeners.grpcApiListener(name));
                        routes.add(RouteConfigs.of(name, service, port.number(), model, ctx, clusters));
                    }
                }
                listeners.addAll(GrpcInbound.of(model, proxy)); // served when the proxy is also an xDS server
            }
            case SIDECAR -> {
                boolean registryOnly = registryOnly(model, proxy);
                SidecarOutbound.build(services, model, mesh, registryOnly, clusters, listeners, routes);
                List<Sidecar.IngressListener> ingress = model.sidecarFor(proxy).map(Sidecar::ingress).orElse(List.of());
                SidecarInbound.build(SidecarInbound.ports(model.servicesSelecting(proxy), ingress),
                        PeerAuthentications.of(model, proxy.namespace(), proxy.labels()), authz,
                        JwtAuthn.of(model, proxy.namespace(), proxy.labels(), false), listeners, otherClusters);
                otherClusters.addAll(PassthroughClusters.all());
            }
            // a gateway routes again after the JWT filter (clear_route_cache), so routes may match claims, as in Istio
            case ROUTER -> GatewayListeners.build(model.gatewaysFor(proxy), model, mesh, authz,
                    JwtAuthn.of(model, proxy.namespace(), proxy.labels(), true), clusters, listeners, routes,
                    services, sniDnat);
        }
        String locality = locality(model, proxy);
        String network = network(model, proxy);
        VisibleClusters.Built built = clusters.onlyVisible()
                ? visible.built(model, proxy.type(), locality, network, refs -> build(model, refs, proxy.type(), locality, network, rules))
                : build(model, clusters.all(), proxy.type(), locality, network, rules);
        List<Cluster> cds = new ArrayList<>(built.clusters());
        List<ClusterLoadAssignment> eds = new ArrayList<>(built.assignments());
        for (ClusterRef ref : sniDnat) {
            Cluster cluster = EastWestGateway.cluster(ref, model, network);
            cds.add(cluster);
            if (cluster.getType() == Cluster.DiscoveryType.EDS) {
                eds.add(Endpoints.eastWest(ref, model, network));
            }
        }
        cds.addAll(otherClusters);
        return new XdsResources(cds, eds, listeners, routes);
    }

    /** The clusters {@code refs} name and the assignments of those served by EDS, in their order. */
    private static VisibleClusters.Built build(MeshModel model, List<ClusterRef> refs, ProxyType type, String locality,
                                               String network, DestinationRules.View rules) {
        List<Cluster> cds = new ArrayList<>(refs.size());
        List<ClusterLoadAssignment> eds = new ArrayList<>(refs.size());
        for (ClusterRef ref : refs) {
            // a cluster and its assignment depend on the model and these alone: every scope of the revision shares them
            DestinationRules.Resolved rule = rules.forHost(ref.host()).orElse(null);
            Cluster cluster = model.derived(new ClusterKey(ref, type, locality, network, rule),
                    k -> Clusters.of(k.ref(), model, k.type(), k.locality(), k.network(), rules));
            cds.add(cluster);
            if (cluster.getType() == Cluster.DiscoveryType.EDS) {
                // DNS clusters carry their names; passthrough has none
                eds.add(model.derived(new AssignmentKey(ref, locality, network, rule),
                        k -> Endpoints.of(k.ref(), model, k.locality(), k.network(), rules)));
            }
        }
        return new VisibleClusters.Built(List.copyOf(cds), List.copyOf(eds));
    }
}
