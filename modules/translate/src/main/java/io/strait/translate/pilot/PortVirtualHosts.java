package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * The virtual hosts of one HTTP port's outbound route configuration as every sidecar of a model that sees the same
 * services, and resolves their routes alike ({@link RouteConfigs.Viewer}), gets them — but for the short names of its
 * own namespace's services, which it takes in their place. Built once per model: row D's 50 namespaces each have a
 * route configuration of the same 1,000 virtual hosts, which each used to look up host by host (domains, routes,
 * virtual host: 50 × 1,000 × 3 lookups a revision).
 *
 * <p>Only while no two services' names can collide on the port: a name an earlier service claimed is left out of a
 * later one's virtual host ({@code SidecarOutbound.unclaimed}), which makes each list depend on its neighbours and on
 * the viewer. Then there is none ({@link #of} is null) and each configuration is built service by service, as before.
 */
final class PortVirtualHosts {
    private static final PortVirtualHosts COLLIDING = new PortVirtualHosts(List.of(), Set.of(), false, Map.of());

    private final List<VirtualHost> base;
    private final Set<ClusterRef> referenced;
    private final boolean wildcard;
    /** Per namespace, the positions of its services that answer to a short name there. */
    private final Map<String, int[]> shortNamed;

    private PortVirtualHosts(List<VirtualHost> base, Set<ClusterRef> referenced, boolean wildcard, Map<String, int[]> shortNamed) {
        this.base = base;
        this.referenced = referenced;
        this.wildcard = wildcard;
        this.shortNamed = shortNamed;
    }

    /** What the list is keyed by: the services (element by element, by identity), the port, the viewer and context. */
    private record Key(Instances services, int port, RouteConfigs.Viewer viewer, ProxyType proxy, Integer listenerPort,
                       RouteDefaults defaults) {
    }

    /**
     * The shared virtual hosts of {@code services} on {@code port} for sidecars with {@code viewer} in {@code ctx};
     * null when two services' names may collide there.
     */
    static PortVirtualHosts of(int port, List<MeshModel.Service> services, MeshModel model, RouteContext ctx,
                               RouteConfigs.Viewer viewer) {
        PortVirtualHosts built = model.derived(new Key(new Instances(List.copyOf(services)), port, viewer, ctx.proxy(),
                ctx.port(), ctx.defaults()), k -> build(port, k.services().list(), model, ctx, viewer));
        return built == COLLIDING ? null : built;
    }

    private static PortVirtualHosts build(int port, List<MeshModel.Service> services, MeshModel model, RouteContext ctx,
                                          RouteConfigs.Viewer viewer) {
        // every name without short names once; no short name among them; no short name twice in one namespace
        Set<String> names = new HashSet<>();
        Map<String, Set<String>> shortNames = new HashMap<>();
        Map<String, List<Integer>> positions = new HashMap<>();
        List<List<String>> plain = new ArrayList<>(services.size());
        for (int i = 0; i < services.size(); i++) {
            String host = services.get(i).host();
            List<String> domains = SidecarOutbound.domainsOf(model, host, port, false);
            plain.add(domains);
            for (String d : domains) {
                if (!names.add(d)) {
                    return COLLIDING;
                }
            }
            String namespace = shortNameNamespace(host);
            if (namespace != null) {
                positions.computeIfAbsent(namespace, n -> new ArrayList<>()).add(i);
                for (String d : SidecarOutbound.domainsOf(model, host, port, true)) {
                    if (!domains.contains(d) && !shortNames.computeIfAbsent(namespace, n -> new HashSet<>()).add(d)) {
                        return COLLIDING;
                    }
                }
            }
        }
        for (Set<String> own : shortNames.values()) {
            for (String d : own) {
                if (names.contains(d)) {
                    return COLLIDING;
                }
            }
        }
        Set<ClusterRef> referenced = new TreeSet<>();
        List<VirtualHost> base = new ArrayList<>(services.size());
        for (int i = 0; i < services.size(); i++) {
            base.add(SidecarOutbound.virtualHost(services.get(i), port, plain.get(i), model, ctx, viewer, referenced));
        }
        Map<String, int[]> shortNamed = new HashMap<>();
        positions.forEach((ns, at) -> shortNamed.put(ns, at.stream().mapToInt(Integer::intValue).toArray()));
        return new PortVirtualHosts(List.copyOf(base), Set.copyOf(referenced), names.contains("*"), shortNamed);
    }

    /**
     * The namespace whose sidecars also answer to this host's short name ({@code name.<ns>.svc.cluster.local}), or
     * null for a host that has none.
     */
    private static String shortNameNamespace(String host) {
        String suffix = ".svc.cluster.local";
        if (!host.endsWith(suffix)) {
            return null;
        }
        String nameNs = host.substring(0, host.length() - suffix.length());
        int dot = nameNs.indexOf('.');
        String namespace = dot < 0 ? null : nameNs.substring(dot + 1);
        return namespace != null && SidecarOutbound.answersToShortName(host, namespace) ? namespace : null;
    }

    /** The virtual hosts for a sidecar of {@code namespace}: its own services' from {@code own} (by position). */
    List<VirtualHost> forNamespace(String namespace, IntFunction<VirtualHost> own) {
        int[] mine = shortNamed.get(namespace);
        if (mine == null) {
            return base;
        }
        List<VirtualHost> out = new ArrayList<>(base);
        for (int i : mine) {
            out.set(i, own.apply(i));
        }
        return out;
    }

    /** Adds the clusters the virtual hosts' routes name (a sidecar's own short-named ones name the same). */
    void addReferenced(Set<ClusterRef> into) {
        if (into instanceof VisibleClusters.Gathered gathered) {
            gathered.addDerived(referenced);
        } else {
            into.addAll(referenced);
        }
    }

    /** Whether a service answers to {@code *}: the configuration then has no fallback virtual host. */
    boolean wildcard() {
        return wildcard;
    }
}
