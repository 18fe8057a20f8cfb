package io.strait.translate.pilot;

import io.strait.model.istio.DestinationRule;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.istio.VirtualService;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyType;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which namespaces a translation must tell apart. A proxy's namespace reaches its config only through config that
 * names or lives in a namespace; in a mesh where nothing does (no Sidecars, no policies, services exported
 * everywhere) the proxies of every namespace get byte-identical resources, so the translator computes one scope for
 * all of them instead of one per namespace. A namespace is <em>distinguished</em> — kept in the translation inputs —
 * when any of these holds (every path by which {@code proxy.namespace()} reaches {@link ScopeTranslator#translate}):
 * <ul>
 *   <li>it is the MeshConfig's root namespace (the mesh-wide PeerAuthentication, AuthorizationPolicy,
 *       RequestAuthentication and Sidecar live there and are read differently from inside it);</li>
 *   <li>it holds any config other than a ServiceEntry, VirtualService or DestinationRule: Sidecars (their
 *       {@code ./} egress hosts and the namespace default), PeerAuthentications, AuthorizationPolicies,
 *       RequestAuthentications, WorkloadEntries (a gRPC server's own ports), Gateways, EnvoyFilters and any kind
 *       Strait does not translate — conservative: some of these change nothing for other proxies of the namespace;</li>
 *   <li>a service or VirtualService whose {@code exportTo} (or the MeshConfig's default for it) is not everywhere
 *       names it, or is owned by it ({@code .}): visibility differs there;</li>
 *   <li>a VirtualService match block names it as {@code sourceNamespace};</li>
 *   <li>a service there has a {@code workloadSelector} (its ports are inbound ports of the namespace's workloads);</li>
 *   <li>for Envoy sidecars only: a service has a Kubernetes host in it ({@code name.<ns>.svc.cluster.local}), since a
 *       sidecar of that namespace also answers to the short name {@code name} (Istio's virtual host domains).</li>
 *   <li>a DestinationRule whose {@code exportTo} (or the MeshConfig's default) is not everywhere names it or is owned
 *       by it; one there selects workloads; one there has a host matching a service of another namespace (its
 *       proxies resolve it first, see {@link io.strait.model.mesh.DestinationRules}). A rule about its own
 *       namespace's services, exported everywhere, is resolved alike from every namespace.</li>
 * </ul>
 * If a Sidecar in the root namespace applies mesh-wide its {@code ./} hosts mean each proxy's own namespace, so every
 * namespace is distinguished. Other namespaces share {@link #SHARED}.
 */
public final class NamespaceSharing {
    /** The translation-input namespace of every namespace not distinguished: no Kubernetes namespace is spelled so. */
    public static final String SHARED = "(shared)";

    private static final String CLUSTER_SUFFIX = ".svc.cluster.local";

    /** The distinguished namespaces of one model: for every proxy kind, and for Envoy sidecars in addition. */
    private record Distinguished(boolean all, Set<String> anyProxy, Set<String> sidecars, boolean sourceLabels) {
    }

    /** The key {@link MeshModel#derived} keeps a model's {@link Distinguished} under. */
    private record Key() {
    }

    private NamespaceSharing() {
    }

    /** The namespace a proxy's translation inputs carry: its own when distinguished, else {@link #SHARED}. */
    public static String inputNamespace(MeshModel model, ProxyType type, String namespace) {
        return distinguishes(model, type, namespace) ? namespace : SHARED;
    }

    /** Whether the proxies of {@code type} in {@code namespace} may get a translation another namespace's would not. */
    public static boolean distinguishes(MeshModel model, ProxyType type, String namespace) {
        Distinguished d = of(model);
        return d.all() || d.anyProxy().contains(namespace)
                || (type == ProxyType.SIDECAR && d.sidecars().contains(namespace));
    }

    /**
     * The namespace the mesh routes of one service port depend on ({@link RouteConfigs#meshRoutes}): VirtualService
     * visibility and {@code sourceNamespace} only — a sidecar's short-name domains are not part of them — so the
     * namespace when some config distinguishes it for every proxy kind, else {@link #SHARED}.
     */
    static String routeNamespace(MeshModel model, String namespace) {
        Distinguished d = of(model);
        return d.all() || d.anyProxy().contains(namespace) ? namespace : SHARED;
    }

    /** Whether some VirtualService match block has {@code sourceLabels}: the only way a proxy's labels reach its routes. */
    static boolean routesReadLabels(MeshModel model) {
        return of(model).sourceLabels();
    }

    private static Distinguished of(MeshModel model) {
        return model.derived(new Key(), k -> compute(model));
    }

    private static Distinguished compute(MeshModel model) {
        Set<String> any = new HashSet<>();
        Set<String> sidecars = new HashSet<>();
        String root = model.meshConfig().rootNamespace();
        any.add(root);
        boolean all = false;
        boolean sourceLabels = false;
        List<String> serviceDefault = model.meshConfig().defaultServiceExportTo();
        List<String> vsDefault = model.meshConfig().defaultVirtualServiceExportTo();
        List<String> drDefault = model.meshConfig().defaultDestinationRuleExportTo();
        for (IstioResource r : model.resources()) {
            if (r.spec() instanceof VirtualService vs) {
                exportTo(vs.exportTo().isEmpty() ? vsDefault : vs.exportTo(), r.namespace(), any);
                sourceNamespaces(vs, any);
                sourceLabels |= hasSourceLabels(vs);
            } else if (r.spec() instanceof DestinationRule dr) {
                exportTo(dr.exportTo().isEmpty() ? drDefault : dr.exportTo(), r.namespace(), any);
                if (dr.selectsWorkloads() || concernsOthers(model, r, dr)) {
                    any.add(r.namespace()); // its proxies resolve this rule where other namespaces' do not
                }
            } else if (!(r.spec() instanceof ServiceEntry)) {
                any.add(r.namespace());
                if (r.spec() instanceof io.strait.model.istio.Sidecar && r.namespace().equals(root)) {
                    all = true; // the mesh default Sidecar's "./" is each proxy's own namespace
                }
            }
        }
        for (MeshModel.Service s : model.services()) { // config and registry services alike
            exportTo(s.entry().exportTo().isEmpty() ? serviceDefault : s.entry().exportTo(), s.namespace(), any);
            if (s.entry().workloadSelector() != null) {
                any.add(s.namespace());
            }
            kubernetesNamespace(s.host()).ifPresent(sidecars::add);
        }
        return new Distinguished(all, Set.copyOf(any), Set.copyOf(sidecars), sourceLabels);
    }

    /**
     * Whether a DestinationRule's host matches a service of another namespace: a proxy of its namespace takes it for
     * that service first, while other namespaces look in the service's namespace and the root namespace only.
     */
    private static boolean concernsOthers(MeshModel model, IstioResource r, DestinationRule dr) {
        if (dr.host() == null) {
            return false;
        }
        String host = MeshModel.fqdn(dr.host(), r.namespace());
        if (!host.startsWith("*")) {
            return model.service(host).map(s -> !s.namespace().equals(r.namespace())).orElse(false);
        }
        return model.services().stream().anyMatch(s -> io.strait.model.mesh.DestinationRules.matches(host, s.host())
                && !s.namespace().equals(r.namespace()));
    }

    /** Istio's exportTo read for its namespaces: everywhere distinguishes none, else the owner and those named. */
    private static void exportTo(List<String> exportTo, String owner, Set<String> into) {
        if (exportTo.isEmpty() || exportTo.contains("*")) {
            return;
        }
        into.add(owner); // "." or a list that may or may not include it: either way the owner sees it, others may not
        exportTo.stream().filter(Objects::nonNull).filter(ns -> !ns.equals(".") && !ns.equals("~")).forEach(into::add);
    }

    private static void sourceNamespaces(VirtualService vs, Set<String> into) {
        vs.http().stream().filter(Objects::nonNull).flatMap(h -> h.match().stream()).filter(Objects::nonNull)
                .map(VirtualService.HttpMatchRequest::sourceNamespace).filter(Objects::nonNull).forEach(into::add);
        vs.tcp().stream().filter(Objects::nonNull).flatMap(t -> t.match().stream()).filter(Objects::nonNull)
                .map(VirtualService.L4Match::sourceNamespace).filter(Objects::nonNull).forEach(into::add);
        vs.tls().stream().filter(Objects::nonNull).flatMap(t -> t.match().stream()).filter(Objects::nonNull)
                .map(VirtualService.TlsMatch::sourceNamespace).filter(Objects::nonNull).forEach(into::add);
    }

    private static boolean hasSourceLabels(VirtualService vs) {
        return vs.http().stream().filter(Objects::nonNull).flatMap(h -> h.match().stream()).filter(Objects::nonNull)
                .anyMatch(m -> !m.sourceLabels().isEmpty())
                || vs.tcp().stream().filter(Objects::nonNull).flatMap(t -> t.match().stream()).filter(Objects::nonNull)
                .anyMatch(m -> !m.sourceLabels().isEmpty())
                || vs.tls().stream().filter(Objects::nonNull).flatMap(t -> t.match().stream()).filter(Objects::nonNull)
                .anyMatch(m -> !m.sourceLabels().isEmpty());
    }

    /** The namespace of a Kubernetes host {@code name.<ns>.svc.cluster.local}, as {@link SidecarOutbound#domains} reads it. */
    private static java.util.Optional<String> kubernetesNamespace(String host) {
        if (!host.endsWith(CLUSTER_SUFFIX)) {
            return java.util.Optional.empty();
        }
        String nameNs = host.substring(0, host.length() - CLUSTER_SUFFIX.length());
        int dot = nameNs.indexOf('.');
        return dot > 0 && nameNs.indexOf('.', dot + 1) < 0 ? java.util.Optional.of(nameNs.substring(dot + 1))
                : java.util.Optional.empty();
    }
}
