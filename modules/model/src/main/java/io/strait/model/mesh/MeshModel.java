package io.strait.model.mesh;

import io.strait.model.istio.DestinationRule;
import io.strait.model.istio.Gateway;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.ResourceKey;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.istio.LabelSelector;
import io.strait.model.istio.MeshConfig;
import io.strait.model.istio.Sidecar;
import io.strait.model.istio.WorkloadEntry;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.model.istio.VirtualService;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The whole mesh config at one revision, immutable and indexed by host. Built by ingest to check references
 * across resources and by translators to compute xDS; both read it the same way, so what ingest accepts is
 * exactly what translators can build.
 */
public final class MeshModel {
    private static final String CLUSTER_DOMAIN = "svc.cluster.local";
    public static final MeshModel EMPTY = of(List.of());

    private final SortedMap<ResourceKey, IstioResource> resources;
    private final SortedMap<String, Service> services;
    /** Computed on first use, as {@link #networks}. */
    private volatile DestinationRules destinationRules;
    /** The earlier model's rules, read once when this model's are first consolidated ({@link #adopt}), then dropped. */
    private DestinationRules rulesBefore;
    private final Map<String, List<IstioResource>> virtualServices;
    private final List<IstioResource> sidecars;
    private final List<IstioResource> workloadEntries;
    private final List<IstioResource> gateways;
    /** The config resources by the type of their spec, each list in key order: lookups read one kind, not all. */
    private final Map<Class<?>, List<IstioResource>> byKind;
    private final boolean usesLocality;
    private final MeshConfig meshConfig;
    /** Computed on first use: most models are read by ingest, which never asks. */
    private volatile Networks networks;
    /** Values derived from this model alone, each computed once ({@link #derived}); every view has its own. */
    private final Map<Object, Object> derived = new java.util.concurrent.ConcurrentHashMap<>();
    /** The clusters' services merged in ({@link #withRegistry}); their synthetic resources by {@code Service/ns/name}. */
    private final ServiceRegistry registry;
    private final Map<ResourceKey, IstioResource> registryResources;
    /** The registry hosts that are cluster-local by the MeshConfig ({@link MeshConfig#isClusterLocal}). */
    private final java.util.Set<String> clusterLocal;
    /** The cluster whose proxies this view is for ({@link #forCluster}); null: every cluster's endpoints. */
    private final String viewerCluster;

    /**
     * A service host from a ServiceEntry, with the entry that declares it — or from the clusters' registry, with a
     * synthetic entry and {@code Service/<namespace>/<name>} as {@code declaredBy} ({@link #withRegistry}).
     */
    public record Service(String host, String namespace, ServiceEntry entry, ResourceKey declaredBy) {
        /** The service port with this number, if declared. */
        public Optional<ServiceEntry.ServicePort> port(int number) {
            return entry.ports().stream().filter(p -> p != null && p.number() != null && p.number() == number).findFirst();
        }
    }

    private MeshModel(Collection<IstioResource> all, ServiceRegistry registry) {
        this.registry = registry;
        this.viewerCluster = null;
        this.resources = new TreeMap<>();
        all.forEach(r -> resources.put(r.key(), r));
        this.meshConfig = java.util.Optional.ofNullable(resources.get(MeshConfig.KEY))
                .map(r -> (MeshConfig) r.spec()).orElse(MeshConfig.DEFAULT);
        SortedMap<String, Service> svc = new TreeMap<>();
        // the registry's services first: a Kubernetes Service takes its host from any ServiceEntry (see withRegistry)
        Map<ResourceKey, IstioResource> fromRegistry = new HashMap<>();
        java.util.Set<String> local = new java.util.HashSet<>();
        registry.byHostname().forEach((host, entries) -> {
            ServiceRegistry.Merged m = ServiceRegistry.merged(entries);
            svc.put(host, new Service(host, m.namespace(), m.entry(), m.declaredBy()));
            fromRegistry.put(m.declaredBy(), m.resource());
            if (meshConfig.isClusterLocal(host)) {
                local.add(host);
            }
        });
        this.registryResources = fromRegistry;
        this.clusterLocal = java.util.Set.copyOf(local);
        Map<String, List<IstioResource>> vss = new LinkedHashMap<>();
        for (IstioResource r : resources.values()) {
            if (r.spec() instanceof ServiceEntry se) {
                for (String h : se.hosts()) {
                    if (h != null) {
                        String host = fqdn(h, r.namespace());
                        svc.putIfAbsent(host, new Service(host, r.namespace(), se, r.key()));
                    }
                }
            } else if (r.spec() instanceof VirtualService vs) {
                for (String h : vs.hosts()) {
                    if (h != null) {
                        vss.computeIfAbsent(fqdn(h, r.namespace()), k -> new ArrayList<>()).add(r);
                    }
                }
            }
        }
        this.services = svc;
        this.virtualServices = vss;
        Map<Class<?>, List<IstioResource>> kinds = new HashMap<>();
        for (IstioResource r : resources.values()) {
            if (r.spec() == null) {
                continue;
            }
            kinds.computeIfAbsent(r.spec().getClass(), k -> new ArrayList<>()).add(r);
        }
        kinds.replaceAll((k, list) -> List.copyOf(list));
        this.byKind = Map.copyOf(kinds);
        this.sidecars = ofKind(Sidecar.class);
        this.workloadEntries = ofKind(WorkloadEntry.class);
        this.gateways = ofKind(Gateway.class);
        this.usesLocality = ofKind(DestinationRule.class).stream().map(r -> (DestinationRule) r.spec()).anyMatch(dr ->
                localityAware(dr.trafficPolicy()) || dr.subsets().stream().anyMatch(s -> s != null && localityAware(s.trafficPolicy())));
    }

    /** A private copy sharing {@code base}'s indices, seen from the proxies of {@code viewerCluster}. */
    private MeshModel(MeshModel base, String viewerCluster) {
        this.resources = base.resources;
        this.services = base.services;
        this.destinationRules = base.destinationRules(); // the same rules and services: resolved once
        this.virtualServices = base.virtualServices;
        this.sidecars = base.sidecars;
        this.workloadEntries = base.workloadEntries;
        this.gateways = base.gateways;
        this.byKind = base.byKind;
        this.usesLocality = base.usesLocality;
        this.meshConfig = base.meshConfig;
        this.registry = base.registry;
        this.registryResources = base.registryResources;
        this.clusterLocal = base.clusterLocal;
        this.viewerCluster = viewerCluster;
    }

    public static MeshModel of(Collection<IstioResource> resources) {
        return new MeshModel(resources, ServiceRegistry.EMPTY);
    }

    /** The config resources with the clusters' services merged in ({@link #withRegistry}). */
    public static MeshModel of(Collection<IstioResource> resources, ServiceRegistry registry) {
        return new MeshModel(resources, registry);
    }

    /**
     * This config with the clusters' services merged in, replacing any registry it had: each hostname of the registry
     * is one service, a synthetic ServiceEntry with every cluster's endpoints ({@link ServiceRegistry#merged}).
     *
     * <p>Precedence, as Istio's service index has it: a Kubernetes Service takes its host over a ServiceEntry that
     * declares the same host (Istio: the Kubernetes Service wins over a ServiceEntry of its namespace, so nobody can
     * squat on a hostname before its Service exists). The model holds one service per host, so here the registry wins
     * over a ServiceEntry of any namespace; the ServiceEntry's other hosts stay.
     */
    public MeshModel withRegistry(ServiceRegistry registry) {
        return new MeshModel(resources.values(), registry);
    }

    /** The clusters' services merged into this model (empty for config alone). */
    public ServiceRegistry registry() {
        return registry;
    }

    /**
     * This model as the proxies of one cluster see it: a cluster-local service ({@link #isClusterLocal}) has only the
     * endpoints of {@code clusterId}; everything else is the same. Cheap: the indices are shared.
     */
    public MeshModel forCluster(String clusterId) {
        if (clusterLocal.isEmpty() || java.util.Objects.equals(clusterId, viewerCluster)) {
            return this;
        }
        return new MeshModel(this, clusterId);
    }

    /**
     * Whether a host is a registry service that is cluster-local by the MeshConfig (Istio's {@code serviceSettings}
     * {@code clusterLocal}, and its defaults such as {@code *.kube-system.svc.cluster.local}): its endpoints depend on
     * the caller's cluster, so its assignment is not one for every proxy.
     */
    public boolean isClusterLocal(String host) {
        return clusterLocal.contains(host);
    }

    /** Whether some registry service is cluster-local, so a proxy's cluster can change what it receives. */
    public boolean hasClusterLocalServices() {
        return !clusterLocal.isEmpty();
    }

    /**
     * The labels of the resource declaring a service: a ServiceEntry's metadata labels, or a Kubernetes Service's
     * labels (a {@code topology.istio.io/network} label marks a network's east-west gateway).
     */
    public Map<String, String> labelsOf(Service service) {
        return resource(service.declaredBy()).map(r -> r.metadata().labels()).orElse(Map.of());
    }

    /**
     * Istio's host resolution: a short name ({@code reviews}) means the service of that name in the namespace
     * of the resource that names it; a name with a dot is taken as written.
     */
    public static String fqdn(String host, String namespace) {
        return host.contains(".") || host.equals("*") ? host : host + "." + namespace + "." + CLUSTER_DOMAIN;
    }

    public Collection<IstioResource> resources() {
        return resources.values();
    }

    /**
     * The config resources whose spec is a {@code specType} (e.g. {@code PeerAuthentication.class}), in key order:
     * indexed once per model, so a lookup of one kind does not scan the whole revision.
     */
    public List<IstioResource> ofKind(Class<?> specType) {
        return byKind.getOrDefault(specType, List.of());
    }

    /**
     * A value derived from this model and {@code key} alone, computed on first use and then shared by every caller
     * (the translations of one revision share what does not depend on their scope, e.g. a cluster). {@code compute}
     * must be a pure function of this model and the key; keys should be records of the caller's own type, so two
     * callers' keys are never equal. Safe for concurrent callers (two may compute the same value; one is kept), and
     * {@code compute} may itself derive values.
     */
    @SuppressWarnings("unchecked")
    public <K, V> V derived(K key, java.util.function.Function<? super K, ? extends V> compute) {
        Object known = derived.get(key);
        if (known != null) {
            return (V) known;
        }
        V value = java.util.Objects.requireNonNull(compute.apply(key), "a derived value");
        Object raced = derived.putIfAbsent(key, value);
        return raced != null ? (V) raced : value;
    }

    /**
     * Takes over values an earlier model derived whose keys {@code unchanged} accepts, and the earlier model's
     * consolidated DestinationRules where they are equal to this model's ({@link DestinationRules.Resolved} compare by
     * identity, so keys holding an unchanged rule stay equal across the two models). The caller vouches that each
     * accepted value is what this model would compute for its key (the translator's: clusters and assignments of hosts
     * a revision is not about, {@code ChangeImpact}'s promise); a one-service revision of row D then builds a few
     * clusters instead of 3,000. Call before this model is read; it changes nothing a reader can tell but the time.
     */
    public void adopt(MeshModel earlier, java.util.function.Predicate<Object> unchanged) {
        synchronized (this) {
            if (destinationRules == null) {
                rulesBefore = earlier.destinationRules();
            }
        }
        earlier.derived.forEach((key, value) -> {
            if (unchanged.test(key)) {
                derived.putIfAbsent(key, value);
            }
        });
    }

    /** The revision's MeshConfig ({@code mesh.yaml}), or Istio's defaults when the revision has none. */
    public MeshConfig meshConfig() {
        return meshConfig;
    }

    /** The networks of the mesh and their east-west gateways ({@link Networks}). */
    public Networks networks() {
        Networks n = networks;
        if (n == null) {
            n = Networks.of(this);
            networks = n;
        }
        return n;
    }

    /**
     * Whether some DestinationRule balances by locality, so that a proxy's locality changes what it receives (when
     * none does, proxies in every locality share their config).
     */
    public boolean usesLocality() {
        return usesLocality;
    }

    private static boolean localityAware(DestinationRule.TrafficPolicy tp) {
        if (tp == null) {
            return false;
        }
        return (tp.loadBalancer() != null && tp.loadBalancer().localityLbSetting() != null)
                || tp.portLevelSettings().stream().anyMatch(p -> p != null && p.loadBalancer() != null
                        && p.loadBalancer().localityLbSetting() != null);
    }

    /**
     * The resource with this key, if the revision holds it; a registry service's synthetic resource by its
     * {@code Service/<namespace>/<name>} key ({@link Service#declaredBy}).
     */
    public Optional<IstioResource> resource(ResourceKey key) {
        IstioResource r = resources.get(key);
        return Optional.ofNullable(r != null ? r : registryResources.get(key));
    }

    /** Every service, ordered by host. */
    public Collection<Service> services() {
        return services.values();
    }

    public Optional<Service> service(String fqdn) {
        return Optional.ofNullable(services.get(fqdn));
    }

    /**
     * The DestinationRule of a host as a proxy of a namespace no rule names gets it ({@link DestinationRules}: the
     * service namespace's exported rule, else the root namespace's; wildcard hosts and merging included). What a
     * particular proxy gets is {@link #destinationRulesFor}.
     */
    public Optional<DestinationRule> destinationRule(String fqdn) {
        return destinationRules().shared().forHost(fqdn).map(DestinationRules.Resolved::rule);
    }

    /**
     * Istio's DestinationRule resolution over this model's rules and services: one instance per model, computed once
     * under a lock (translations compare what it resolves by identity, so two racing instances would tell equal rules
     * apart).
     */
    public DestinationRules destinationRules() {
        DestinationRules d = destinationRules;
        if (d == null) {
            synchronized (this) {
                d = destinationRules;
                if (d == null) {
                    d = DestinationRules.of(ofKind(DestinationRule.class), services.values(), meshConfig.rootNamespace(),
                            meshConfig.defaultDestinationRuleExportTo(), rulesBefore);
                    destinationRules = d;
                    rulesBefore = null;
                }
            }
        }
        return d;
    }

    /** The rules the proxies of {@code namespace} with {@code labels} get for each host ({@link DestinationRules#viewFor}). */
    public DestinationRules.View destinationRulesFor(String namespace, Map<String, String> labels) {
        return destinationRules().viewFor(namespace, labels);
    }

    /** Istio's exportTo: none or {@code *} means every namespace, {@code .} the owner's, else the names listed. */
    public static boolean exportedTo(List<String> exportTo, String owner, String viewer) {
        if (exportTo.isEmpty() || exportTo.contains("*")) {
            return true;
        }
        return exportTo.contains(viewer) || (exportTo.contains(".") && owner.equals(viewer));
    }

    /**
     * The services a proxy can reach: exported to its namespace, and allowed by the egress hosts of the Sidecar
     * that applies to it (the one selecting its labels, else its namespace's default, else the mesh default in the
     * root namespace). Without a Sidecar, every exported service. A ServiceEntry without {@code exportTo} is exported
     * as the MeshConfig's {@code defaultServiceExportTo} says (everywhere by default).
     */
    public List<Service> servicesFor(ProxyIdentity proxy) {
        Optional<Sidecar> sidecar = sidecarFor(proxy);
        return services.values().stream()
                .filter(s -> exportedTo(orDefault(s.entry().exportTo(), meshConfig.defaultServiceExportTo()),
                        s.namespace(), proxy.namespace()))
                .filter(s -> sidecar.map(sc -> egressAllows(sc, s, proxy.namespace())).orElse(true))
                .toList();
    }

    private static List<String> orDefault(List<String> exportTo, List<String> meshDefault) {
        return exportTo.isEmpty() ? meshDefault : exportTo;
    }

    /**
     * The Sidecar that applies to a proxy, if any: the one of its namespace selecting its labels, else its namespace's
     * default, else the mesh default (no selector) in the MeshConfig's {@code rootNamespace}.
     */
    public Optional<Sidecar> sidecarFor(ProxyIdentity proxy) {
        Optional<Sidecar> selecting = sidecars.stream()
                .filter(r -> r.namespace().equals(proxy.namespace()))
                .map(r -> (Sidecar) r.spec())
                .filter(sc -> sc.workloadSelector() != null && !sc.workloadSelector().labels().isEmpty()
                        && proxy.labels().entrySet().containsAll(sc.workloadSelector().labels().entrySet()))
                .findFirst();
        return selecting.or(() -> defaultSidecar(proxy.namespace())).or(() -> defaultSidecar(meshConfig.rootNamespace()));
    }

    private Optional<Sidecar> defaultSidecar(String namespace) {
        return sidecars.stream().filter(r -> r.namespace().equals(namespace)).map(r -> (Sidecar) r.spec())
                .filter(sc -> sc.workloadSelector() == null || sc.workloadSelector().labels().isEmpty()).findFirst();
    }

    /** Whether an egress host pattern ({@code ns/dnsName}) of the Sidecar names the service. */
    static boolean egressAllows(Sidecar sidecar, Service service, String proxyNamespace) {
        for (Sidecar.EgressListener egress : sidecar.egress()) {
            for (String pattern : egress.hosts()) {
                int slash = pattern.indexOf('/');
                String ns = slash < 0 ? "*" : pattern.substring(0, slash);
                String dns = slash < 0 ? pattern : pattern.substring(slash + 1);
                boolean nsMatches = ns.equals("*") || (ns.equals(".") && service.namespace().equals(proxyNamespace))
                        || ns.equals(service.namespace());
                boolean hostMatches = dns.equals("*") || dns.equals(service.host())
                        || (dns.startsWith("*.") && service.host().endsWith(dns.substring(1)));
                if (!ns.equals("~") && nsMatches && hostMatches) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The endpoints of a service: its ServiceEntry's inline endpoints, or — with a {@code workloadSelector} — the
     * WorkloadEntries of the entry's namespace whose labels match, in name order.
     */
    public List<ServiceEntry.WorkloadEntry> endpointsOf(Service service) {
        LabelSelector selector = service.entry().workloadSelector();
        if (selector == null) {
            if (viewerCluster != null && clusterLocal.contains(service.host())
                    && service.declaredBy().kind().equals(ServiceRegistry.SERVICE_KIND)) {
                return service.entry().endpoints().stream()
                        .filter(e -> viewerCluster.equals(e.labels().get(ServiceRegistry.CLUSTER_LABEL))).toList();
            }
            return service.entry().endpoints();
        }
        return workloadEntries.stream()
                .filter(r -> r.namespace().equals(service.namespace()))
                .map(r -> (WorkloadEntry) r.spec())
                .filter(w -> selector.matches(w.labels()))
                .map(WorkloadEntry::asEndpoint)
                .toList();
    }

    /**
     * The mTLS identities a service's workloads present: the ServiceEntry's {@code subjectAltNames} when it lists
     * any, else {@code spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>} of each of its endpoints (the
     * service's namespace; {@code default} for an endpoint that names no service account, as a proxy without one
     * registers), sorted and distinct. Empty when it has no endpoints.
     */
    public List<String> identitiesOf(Service service) {
        if (!service.entry().subjectAltNames().isEmpty()) {
            return List.copyOf(new java.util.TreeSet<>(service.entry().subjectAltNames()));
        }
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        for (ServiceEntry.WorkloadEntry e : endpointsOf(service)) {
            String sa = e.serviceAccount() == null || e.serviceAccount().isEmpty() ? "default" : e.serviceAccount();
            out.add("spiffe://" + meshConfig.trustDomain() + "/ns/" + service.namespace() + "/sa/" + sa);
        }
        return List.copyOf(out);
    }

    /**
     * The VirtualService that routes a host. When several claim the same host the first by
     * {@code namespace/name} wins, so every translator picks the same one.
     */
    public Optional<IstioResource> virtualServiceFor(String fqdn) {
        return virtualServices.getOrDefault(fqdn, List.of()).stream()
                .min(Comparator.comparing(IstioResource::key));
    }

    /**
     * The VirtualService that routes a host for the mesh proxies of {@code viewerNamespace}: one exported to it that
     * applies to the mesh (names no gateways, or names {@code mesh} among them).
     */
    public Optional<IstioResource> virtualServiceFor(String fqdn, String viewerNamespace) {
        return virtualServices.getOrDefault(fqdn, List.of()).stream()
                .filter(r -> exportedTo(orDefault(((VirtualService) r.spec()).exportTo(), meshConfig.defaultVirtualServiceExportTo()),
                        r.namespace(), viewerNamespace))
                .filter(r -> appliesToMesh((VirtualService) r.spec()))
                .min(Comparator.comparing(IstioResource::key));
    }

    private static boolean appliesToMesh(VirtualService vs) {
        return vs.gateways().isEmpty() || vs.gateways().contains(VirtualService.MESH);
    }

    /** The Gateways whose selector picks a gateway proxy's labels (an empty selector picks every gateway proxy). */
    public List<IstioResource> gatewaysFor(ProxyIdentity proxy) {
        return gateways.stream()
                .filter(r -> proxy.labels().entrySet().containsAll(((Gateway) r.spec()).selector().entrySet()))
                .toList();
    }

    /**
     * The VirtualServices bound to a Gateway ({@code gateways} names it as {@code namespace/name}, or by name alone
     * from its own namespace) and exported to the namespace of the gateway proxy, ordered by key.
     */
    public List<IstioResource> virtualServicesBoundTo(IstioResource gateway, String proxyNamespace) {
        return ofKind(VirtualService.class).stream()
                .filter(r -> r.spec() instanceof VirtualService vs
                        && vs.gateways().stream().anyMatch(g -> names(g, r.namespace(), gateway))
                        && exportedTo(orDefault(vs.exportTo(), meshConfig.defaultVirtualServiceExportTo()), r.namespace(), proxyNamespace))
                .toList();
    }

    /** Whether a gateway reference written in a resource of {@code namespace} names {@code gateway}. */
    public static boolean names(String reference, String namespace, IstioResource gateway) {
        if (reference == null) {
            return false;
        }
        int slash = reference.indexOf('/');
        String ns = slash < 0 ? namespace : reference.substring(0, slash);
        String name = slash < 0 ? reference : reference.substring(slash + 1);
        return ns.equals(gateway.namespace()) && name.equals(gateway.name());
    }

    /**
     * The services whose workloads include a proxy: those of its namespace whose ServiceEntry's
     * {@code workloadSelector} picks its labels. Its sidecar accepts their ports inbound.
     */
    public List<Service> servicesSelecting(ProxyIdentity proxy) {
        return services.values().stream()
                .filter(s -> s.namespace().equals(proxy.namespace()) && s.entry().workloadSelector() != null
                        && s.entry().workloadSelector().matches(proxy.labels()))
                .toList();
    }

    /**
     * Whether an endpoint of a service selecting a proxy is the proxy itself: every label of the endpoint is among
     * the proxy's (a WorkloadEntry describes the workload the proxy runs in; the proxy may carry more labels). Its
     * ports are the ones the proxy's server listens on.
     */
    public static boolean isOwnEndpoint(ServiceEntry.WorkloadEntry endpoint, ProxyIdentity proxy) {
        return proxy.labels().entrySet().containsAll(endpoint.labels().entrySet());
    }

    /**
     * The label selectors of the mesh that pick a proxy — ServiceEntry workload selectors of its namespace, Gateway
     * selectors, VirtualService {@code sourceLabels}, PeerAuthentication selectors of its namespace, the
     * AuthorizationPolicies that select it by label or target its Gateway, the WorkloadEntries of its namespace that
     * are its own by their labels ({@link #isOwnEndpoint}: their ports are its gRPC server's) — each named by where it is written. Beyond its kind, namespace
     * and Sidecar, this is all a proxy's translation reads of its labels: proxies picked by the same selectors get
     * the same config, whatever their other labels.
     */
    public java.util.SortedSet<String> selectorsPicking(ProxyIdentity proxy) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        String tlsMode = proxy.labels().get("security.istio.io/tlsMode");
        if (tlsMode != null) {
            out.add("label security.istio.io/tlsMode=" + tlsMode); // a gRPC server's PERMISSIVE reads it
        }
        for (IstioResource r : derived(SelectingKey.KEY, k -> ofKinds(SELECTING_KINDS).stream().filter(MeshModel::selects).toList())) {
            if (r.spec() instanceof ServiceEntry se && se.workloadSelector() != null
                    && r.namespace().equals(proxy.namespace()) && se.workloadSelector().matches(proxy.labels())) {
                out.add(r.key() + " workloadSelector");
            } else if (r.spec() instanceof io.strait.model.istio.PeerAuthentication pa && !pa.namespaceWide()
                    && r.namespace().equals(proxy.namespace()) && pa.selector().matches(proxy.labels())) {
                out.add(r.key() + " selector");
            } else if (r.spec() instanceof io.strait.model.istio.AuthorizationPolicy ap && !ap.namespaceWide()
                    && picks(r, ap, proxy.namespace(), proxy.labels())) {
                out.add(r.key() + " selector");
            } else if (r.spec() instanceof WorkloadEntry we && r.namespace().equals(proxy.namespace())
                    && isOwnEndpoint(we.asEndpoint(), proxy)) {
                out.add(r.key() + " labels");
            } else if (r.spec() instanceof io.strait.model.istio.RequestAuthentication ra && !ra.namespaceWide()
                    && picks(r, ra.selector(), ra.allTargetRefs(), proxy.namespace(), proxy.labels())) {
                out.add(r.key() + " selector");
            } else if (r.spec() instanceof DestinationRule dr && dr.selectsWorkloads()
                    && r.namespace().equals(proxy.namespace()) && dr.workloadSelector().matches(proxy.labels())) {
                out.add(r.key() + " workloadSelector"); // its clusters' policy is this proxy's alone
            } else if (r.spec() instanceof Gateway gw && proxy.labels().entrySet().containsAll(gw.selector().entrySet())) {
                out.add(r.key() + " selector");
            } else if (r.spec() instanceof VirtualService vs) {
                for (int i = 0; i < vs.http().size(); i++) {
                    List<VirtualService.HttpMatchRequest> matches = vs.http().get(i) == null ? List.of() : vs.http().get(i).match();
                    for (int j = 0; j < matches.size(); j++) {
                        VirtualService.HttpMatchRequest m = matches.get(j);
                        if (m != null && !m.sourceLabels().isEmpty() && proxy.labels().entrySet().containsAll(m.sourceLabels().entrySet())) {
                            out.add(r.key() + " http[" + i + "].match[" + j + "]");
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * Whether a resource has a selector {@link #selectorsPicking} reads: most of a mesh's resources (row D: 3,000
     * ServiceEntries, DestinationRules and VirtualServices) pick no workload, and are left out once per model.
     */
    private static boolean selects(IstioResource r) {
        Object spec = r.spec();
        if (spec instanceof ServiceEntry se) {
            return se.workloadSelector() != null;
        } else if (spec instanceof io.strait.model.istio.PeerAuthentication pa) {
            return !pa.namespaceWide();
        } else if (spec instanceof io.strait.model.istio.AuthorizationPolicy ap) {
            return !ap.namespaceWide();
        } else if (spec instanceof io.strait.model.istio.RequestAuthentication ra) {
            return !ra.namespaceWide();
        } else if (spec instanceof DestinationRule dr) {
            return dr.selectsWorkloads();
        } else if (spec instanceof VirtualService vs) {
            return vs.http().stream().anyMatch(h -> h != null
                    && h.match().stream().anyMatch(m -> m != null && !m.sourceLabels().isEmpty()));
        }
        return true; // WorkloadEntries (their labels) and Gateways (their selector)
    }

    /** The key {@link #derived} keeps a model's resources with selectors under. */
    private enum SelectingKey { KEY }

    /** The kinds whose selectors {@link #selectorsPicking} reads. */
    private static final List<Class<?>> SELECTING_KINDS = List.of(ServiceEntry.class,
            io.strait.model.istio.PeerAuthentication.class, io.strait.model.istio.AuthorizationPolicy.class,
            WorkloadEntry.class, io.strait.model.istio.RequestAuthentication.class, Gateway.class, VirtualService.class,
            DestinationRule.class);

    private List<IstioResource> ofKinds(List<Class<?>> kinds) {
        List<IstioResource> out = new ArrayList<>();
        kinds.forEach(k -> out.addAll(ofKind(k)));
        return out;
    }

    /** The label naming a Kubernetes Gateway's deployment: what an AuthorizationPolicy's Gateway targetRef selects by. */
    public static final String GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

    /**
     * The AuthorizationPolicies that apply to a workload of {@code namespace} with {@code labels}, as Istio selects
     * them: those of the root namespace without selector (the whole mesh), or whose selector picks it (in any
     * namespace); those of its own namespace without selector, or whose selector picks it; and those of its
     * namespace whose {@code targetRef(s)} name its Gateway (the {@value #GATEWAY_NAME_LABEL} label). A targetRef to
     * a Service or ServiceEntry applies to waypoints, which Strait does not serve, so to no workload here. Sorted by
     * namespace and name, so every translator builds the same filters.
     */
    public List<IstioResource> authorizationPoliciesFor(String namespace, Map<String, String> labels) {
        List<IstioResource> out = new ArrayList<>();
        for (IstioResource r : ofKind(io.strait.model.istio.AuthorizationPolicy.class)) {
            if (r.spec() instanceof io.strait.model.istio.AuthorizationPolicy ap && picks(r, ap, namespace, labels)) {
                out.add(r);
            }
        }
        out.sort(java.util.Comparator.comparing(IstioResource::key));
        return out;
    }

    /** Whether an AuthorizationPolicy applies to the workloads of {@code namespace} with {@code labels} ({@link #authorizationPoliciesFor}). */
    public boolean authorizationPolicyApplies(IstioResource policy, String namespace, Map<String, String> labels) {
        return policy.spec() instanceof io.strait.model.istio.AuthorizationPolicy ap && picks(policy, ap, namespace, labels);
    }

    private boolean picks(IstioResource r, io.strait.model.istio.AuthorizationPolicy ap, String namespace,
                          Map<String, String> labels) {
        return picks(r, ap.selector(), ap.allTargetRefs(), namespace, labels);
    }

    /** Istio's ShouldAttachPolicy, shared by AuthorizationPolicy and RequestAuthentication. */
    private boolean picks(IstioResource r, io.strait.model.istio.AuthorizationPolicy.WorkloadSelector selector,
                          List<io.strait.model.istio.AuthorizationPolicy.TargetRef> targetRefs, String namespace,
                          Map<String, String> labels) {
        boolean root = r.namespace().equals(meshConfig().rootNamespace());
        if (!root && !r.namespace().equals(namespace)) {
            return false;
        }
        if (!targetRefs.isEmpty()) {
            return r.namespace().equals(namespace) && targetRefs.stream().anyMatch(t -> t != null
                    && "Gateway".equals(t.kind()) && "gateway.networking.k8s.io".equals(t.group())
                    && (t.namespace() == null || t.namespace().isEmpty() || t.namespace().equals(namespace))
                    && t.name() != null && t.name().equals(labels.get(GATEWAY_NAME_LABEL)));
        }
        return selector == null || selector.matches(labels);
    }

    /**
     * The RequestAuthentications that apply to a workload of {@code namespace} with {@code labels}, selected as
     * AuthorizationPolicies are ({@link #authorizationPoliciesFor}), sorted by namespace and name. The translator
     * sorts their rules by issuer, as Istio does, so the order here only breaks ties.
     */
    public List<IstioResource> requestAuthenticationsFor(String namespace, Map<String, String> labels) {
        List<IstioResource> out = new ArrayList<>();
        for (IstioResource r : ofKind(io.strait.model.istio.RequestAuthentication.class)) {
            if (r.spec() instanceof io.strait.model.istio.RequestAuthentication ra
                    && picks(r, ra.selector(), ra.allTargetRefs(), namespace, labels)) {
                out.add(r);
            }
        }
        out.sort(java.util.Comparator.comparing(IstioResource::key));
        return out;
    }

    /** Whether a RequestAuthentication applies to the workloads of {@code namespace} with {@code labels}. */
    public boolean requestAuthenticationApplies(IstioResource policy, String namespace, Map<String, String> labels) {
        return policy.spec() instanceof io.strait.model.istio.RequestAuthentication ra
                && picks(policy, ra.selector(), ra.allTargetRefs(), namespace, labels);
    }
}
