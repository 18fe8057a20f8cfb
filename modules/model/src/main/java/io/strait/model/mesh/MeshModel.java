package io.strait.model.mesh;

import io.strait.model.istio.DestinationRule;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.ResourceKey;
import io.strait.model.istio.ServiceEntry;
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
    private final Map<String, IstioResource> destinationRules;
    private final Map<String, List<IstioResource>> virtualServices;

    /** A service host from a ServiceEntry, with the entry that declares it. */
    public record Service(String host, String namespace, ServiceEntry entry, ResourceKey declaredBy) {
        /** The service port with this number, if declared. */
        public Optional<ServiceEntry.ServicePort> port(int number) {
            return entry.ports().stream().filter(p -> p != null && p.number() != null && p.number() == number).findFirst();
        }
    }

    private MeshModel(Collection<IstioResource> all) {
        this.resources = new TreeMap<>();
        all.forEach(r -> resources.put(r.key(), r));
        SortedMap<String, Service> svc = new TreeMap<>();
        Map<String, IstioResource> drs = new HashMap<>();
        Map<String, List<IstioResource>> vss = new LinkedHashMap<>();
        for (IstioResource r : resources.values()) {
            if (r.spec() instanceof ServiceEntry se) {
                for (String h : se.hosts()) {
                    if (h != null) {
                        String host = fqdn(h, r.namespace());
                        svc.putIfAbsent(host, new Service(host, r.namespace(), se, r.key()));
                    }
                }
            } else if (r.spec() instanceof DestinationRule dr && dr.host() != null) {
                drs.putIfAbsent(fqdn(dr.host(), r.namespace()), r);
            } else if (r.spec() instanceof VirtualService vs) {
                for (String h : vs.hosts()) {
                    if (h != null) {
                        vss.computeIfAbsent(fqdn(h, r.namespace()), k -> new ArrayList<>()).add(r);
                    }
                }
            }
        }
        this.services = svc;
        this.destinationRules = drs;
        this.virtualServices = vss;
    }

    public static MeshModel of(Collection<IstioResource> resources) {
        return new MeshModel(resources);
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

    /** Every service, ordered by host. */
    public Collection<Service> services() {
        return services.values();
    }

    public Optional<Service> service(String fqdn) {
        return Optional.ofNullable(services.get(fqdn));
    }

    /** The DestinationRule for a host (the first by key when several claim it). */
    public Optional<DestinationRule> destinationRule(String fqdn) {
        return Optional.ofNullable(destinationRules.get(fqdn)).map(r -> (DestinationRule) r.spec());
    }

    /** The subset of a host's DestinationRule, if defined. */
    public Optional<DestinationRule.Subset> subset(String fqdn, String name) {
        return destinationRule(fqdn).flatMap(dr -> dr.subsets().stream()
                .filter(s -> s != null && name.equals(s.name())).findFirst());
    }

    /**
     * The VirtualService that routes a host. When several claim the same host the first by
     * {@code namespace/name} wins, so every translator picks the same one.
     */
    public Optional<IstioResource> virtualServiceFor(String fqdn) {
        return virtualServices.getOrDefault(fqdn, List.of()).stream()
                .min(Comparator.comparing(IstioResource::key));
    }
}
