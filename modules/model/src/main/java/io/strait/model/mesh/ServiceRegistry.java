package io.strait.model.mesh;

import io.strait.model.istio.IstioResource;
import io.strait.model.istio.Kind;
import io.strait.model.istio.ObjectMeta;
import io.strait.model.istio.ResourceKey;
import io.strait.model.istio.ServiceEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The services the clusters' registries hold (Kubernetes Services with their endpoints, one entry per cluster and
 * service, as {@code strait.endpoints.v1} carries them), immutable. {@link MeshModel#withRegistry} merges them by
 * hostname into the mesh, as Istio's aggregate registry does: see {@link #merged} for how.
 *
 * <p>This is the model's own copy of the bus record (the model does not depend on the bus); the translator converts.
 */
public final class ServiceRegistry {
    /** The registry of a mesh without clusters. */
    public static final ServiceRegistry EMPTY = new ServiceRegistry(new TreeMap<>());

    /** The kind the services of the registry are declared by ({@link MeshModel.Service#declaredBy}). */
    public static final String SERVICE_KIND = "Service";
    /** The label naming the cluster an endpoint runs in (Istio's). */
    public static final String CLUSTER_LABEL = "topology.istio.io/cluster";
    /**
     * The label a draining endpoint (its pod terminating but still serving) carries in the model, read by the
     * translator to send it with {@code HealthStatus.DRAINING}; healthy endpoints carry none, unhealthy ones are left
     * out of the model (Istio's default without {@code PILOT_SEND_UNHEALTHY_ENDPOINTS}).
     */
    public static final String HEALTH_LABEL = "strait.io/health";
    /** The value of {@link #HEALTH_LABEL} on a draining endpoint. */
    public static final String DRAINING = "DRAINING";

    /** An endpoint's health as its cluster reports it. */
    public enum Health {
        /** Ready. */
        HEALTHY,
        /** Not ready: not sent to proxies. */
        UNHEALTHY,
        /** Terminating but still serving: sent as draining, so no new requests go to it. */
        DRAINING;

        /** Reads a health name; anything unknown is taken as healthy (the source's contract names only these). */
        public static Health of(String name) {
            for (Health h : values()) {
                if (h.name().equalsIgnoreCase(name == null ? "" : name)) {
                    return h;
                }
            }
            return HEALTHY;
        }
    }

    /**
     * One Kubernetes Service as one cluster sees it.
     *
     * @param cluster   cluster id
     * @param network   the cluster's network ("" for a single-network mesh)
     * @param namespace the Service's namespace
     * @param name      the Service's name
     * @param hostname  {@code <name>.<namespace>.svc.<domain>}
     * @param labels    the Service's labels
     * @param addresses its cluster IPs
     * @param ports     its ports, protocol resolved ("" when undeclared)
     * @param endpoints its endpoints
     * @param externalAddresses its LoadBalancer ingress and external IPs (where another network reaches it)
     */
    public record ClusterService(String cluster, String network, String namespace, String name, String hostname,
                                 Map<String, String> labels, List<String> addresses, List<Port> ports,
                                 List<Endpoint> endpoints, List<String> externalAddresses) {
        public ClusterService {
            network = network == null ? "" : network;
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            addresses = addresses == null ? List.of() : List.copyOf(addresses);
            ports = ports == null ? List.of() : List.copyOf(ports);
            endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
            externalAddresses = externalAddresses == null ? List.of() : List.copyOf(externalAddresses);
        }

        /** A service reachable only inside its cluster. */
        public ClusterService(String cluster, String network, String namespace, String name, String hostname,
                              Map<String, String> labels, List<String> addresses, List<Port> ports, List<Endpoint> endpoints) {
            this(cluster, network, namespace, name, hostname, labels, addresses, ports, endpoints, List.of());
        }

        /** Its key, {@code <cluster>/<namespace>/<name>}, as on the bus. */
        public String key() {
            return cluster + "/" + namespace + "/" + name;
        }
    }

    /** A service port: name ("" for an unnamed single port), number, protocol ("" undeclared), target port (0: named). */
    public record Port(String name, int number, String protocol, int targetPort) {
        public Port {
            name = name == null ? "" : name;
            protocol = protocol == null ? "" : protocol;
        }
    }

    /** An endpoint: address, port per service port name, pod labels, service account, locality, health. */
    public record Endpoint(String address, Map<String, Integer> ports, Map<String, String> labels, String serviceAccount,
                           String locality, Health health) {
        public Endpoint {
            ports = ports == null ? Map.of() : Map.copyOf(ports);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            serviceAccount = serviceAccount == null ? "" : serviceAccount;
            locality = locality == null ? "" : locality;
            health = health == null ? Health.HEALTHY : health;
        }
    }

    private final SortedMap<String, ClusterService> byKey;

    private ServiceRegistry(SortedMap<String, ClusterService> byKey) {
        this.byKey = Collections.unmodifiableSortedMap(byKey);
    }

    /** A registry of these services (a later one with the same key replaces an earlier one). */
    public static ServiceRegistry of(Collection<ClusterService> services) {
        SortedMap<String, ClusterService> map = new TreeMap<>();
        services.forEach(s -> map.put(s.key(), s));
        return new ServiceRegistry(map);
    }

    /**
     * This registry with a batch of changes applied: per key, the service as it is now, or null when it was deleted
     * from its cluster (a tombstone).
     */
    public ServiceRegistry applying(Map<String, ClusterService> changes) {
        if (changes.isEmpty()) {
            return this;
        }
        SortedMap<String, ClusterService> map = new TreeMap<>(byKey);
        changes.forEach((key, s) -> {
            if (s == null) {
                map.remove(key);
            } else {
                map.put(key, s);
            }
        });
        return new ServiceRegistry(map);
    }

    /** This registry with one service as it is now. */
    public ServiceRegistry with(ClusterService service) {
        return applying(Map.of(service.key(), service));
    }

    /** This registry without the service of this key ({@code <cluster>/<namespace>/<name>}). */
    public ServiceRegistry without(String key) {
        Map<String, ClusterService> change = new java.util.HashMap<>();
        change.put(key, null);
        return applying(change);
    }

    /** Every cluster's services, by key. */
    public SortedMap<String, ClusterService> services() {
        return byKey;
    }

    /** The service of this key, if a cluster has it. */
    public java.util.Optional<ClusterService> service(String key) {
        return java.util.Optional.ofNullable(byKey.get(key));
    }

    public boolean isEmpty() {
        return byKey.isEmpty();
    }

    /** Every cluster's entries for each hostname, clusters in id order. */
    public SortedMap<String, List<ClusterService>> byHostname() {
        SortedMap<String, List<ClusterService>> out = new TreeMap<>();
        for (ClusterService s : byKey.values()) {
            out.computeIfAbsent(s.hostname(), h -> new ArrayList<>()).add(s);
        }
        out.values().forEach(l -> l.sort(Comparator.comparing(ClusterService::cluster)));
        return out;
    }

    /**
     * One hostname of the registry merged across clusters, as the mesh sees it: a synthetic ServiceEntry
     * (MESH_INTERNAL, STATIC) with the union of the clusters' ports by number (the first cluster by id that declares a
     * number names it), the union of their cluster IPs, and every cluster's endpoints but the unhealthy ones — each
     * with its pod labels plus {@value #CLUSTER_LABEL} (its cluster), its cluster's network, its locality and service
     * account, and its port for every service port the merged service names (re-keyed by the merged port's name, so
     * clusters that name a port differently still agree). A draining endpoint carries {@value #HEALTH_LABEL}. The
     * resource is the Service itself (namespace, name, and its labels merged across clusters, the first cluster by id
     * winning a conflicting key), so its labels are visible as a ServiceEntry's metadata would be.
     *
     * @param entries the clusters' entries for one hostname, in cluster id order (see {@link #byHostname})
     */
    public static Merged merged(List<ClusterService> entries) {
        ClusterService first = entries.get(0);
        Map<Integer, ServiceEntry.ServicePort> ports = new TreeMap<>();
        Map<String, String> labels = new TreeMap<>();
        TreeSet<String> addresses = new TreeSet<>();
        for (ClusterService s : entries) {
            for (Port p : s.ports()) {
                ports.putIfAbsent(p.number(), new ServiceEntry.ServicePort(p.number(),
                        p.protocol().isEmpty() ? null : p.protocol(), p.name(), null));
            }
            s.labels().forEach(labels::putIfAbsent);
            addresses.addAll(s.addresses());
        }
        List<ServiceEntry.WorkloadEntry> endpoints = new ArrayList<>();
        for (ClusterService s : entries) {
            List<ServiceEntry.WorkloadEntry> ofCluster = new ArrayList<>();
            for (Endpoint e : s.endpoints()) {
                if (e.health() == Health.UNHEALTHY) {
                    continue;
                }
                Map<String, Integer> endpointPorts = new TreeMap<>();
                for (Port p : s.ports()) {
                    Integer port = e.ports().get(p.name());
                    if (port == null) {
                        port = p.targetPort() > 0 ? p.targetPort() : p.number();
                    }
                    endpointPorts.put(ports.get(p.number()).name(), port);
                }
                Map<String, String> endpointLabels = new LinkedHashMap<>(new TreeMap<>(e.labels()));
                endpointLabels.put(CLUSTER_LABEL, s.cluster());
                if (e.health() == Health.DRAINING) {
                    endpointLabels.put(HEALTH_LABEL, DRAINING);
                }
                ofCluster.add(new ServiceEntry.WorkloadEntry(e.address(), endpointPorts, endpointLabels,
                        e.locality().isEmpty() ? null : e.locality(), null,
                        e.serviceAccount().isEmpty() ? null : e.serviceAccount(), s.network().isEmpty() ? null : s.network()));
            }
            // a relist may list the same endpoints in another order: the model (and its hashes) must not move
            ofCluster.sort(Comparator.comparing(ServiceEntry.WorkloadEntry::address));
            endpoints.addAll(ofCluster);
        }
        ServiceEntry entry = new ServiceEntry(List.of(first.hostname()), List.copyOf(addresses), List.copyOf(ports.values()),
                "MESH_INTERNAL", "STATIC", endpoints, List.of(), null, List.of());
        IstioResource resource = new IstioResource("v1", Kind.SERVICE_ENTRY,
                new ObjectMeta(first.name(), first.namespace(), labels, Map.of(), null), entry);
        return new Merged(first.hostname(), first.namespace(), entry, resource,
                new ResourceKey(SERVICE_KIND, first.namespace(), first.name()));
    }

    /**
     * A hostname of the registry as the mesh sees it.
     *
     * @param host       the hostname
     * @param namespace  the Service's namespace
     * @param entry      the synthetic ServiceEntry with every cluster's endpoints
     * @param resource   the synthetic resource, with the Service's name, namespace and labels
     * @param declaredBy {@code Service/<namespace>/<name>}
     */
    public record Merged(String host, String namespace, ServiceEntry entry, IstioResource resource, ResourceKey declaredBy) {
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServiceRegistry r && r.byKey.equals(byKey);
    }

    @Override
    public int hashCode() {
        return byKey.hashCode();
    }

    @Override
    public String toString() {
        return "ServiceRegistry" + byKey.keySet();
    }
}
