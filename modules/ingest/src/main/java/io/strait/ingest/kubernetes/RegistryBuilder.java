package io.strait.ingest.kubernetes;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.strait.bus.envelope.ClusterService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The registry of one cluster, as Istio's Kubernetes controller builds it, from a {@link ClusterSnapshot}: each
 * Service becomes one {@link ClusterService} with its ports (protocol by {@link PortProtocol}) and the endpoints of
 * all its EndpointSlices, each endpoint with its pod's labels, service account, locality and health. Pure: the same
 * snapshot gives the same records (but for {@code observedAt}).
 *
 * <p>Rules, after Istio's {@code serviceregistry/kube}: health from the slice's conditions (ready, or no ready
 * condition: HEALTHY; serving and terminating: DRAINING; else UNHEALTHY; all HEALTHY when the Service publishes
 * not-ready addresses); locality from the pod's {@code istio-locality} label, else its node's
 * {@code topology.kubernetes.io/region}/{@code zone} and {@code topology.istio.io/subzone}; network from the
 * pod's {@code topology.istio.io/network} label, else its namespace's, else the cluster's. Each endpoint's labels
 * are the pod's plus Istio's topology labels (cluster, network, region, zone, subzone, node). ExternalName
 * Services are left out (they have no endpoints); a Service whose ports conflict is left out with a problem that
 * names it.
 */
public final class RegistryBuilder {
    public static final String CLUSTER_LABEL = "topology.istio.io/cluster";
    public static final String NETWORK_LABEL = "topology.istio.io/network";
    public static final String SUBZONE_LABEL = "topology.istio.io/subzone";
    public static final String REGION_LABEL = "topology.kubernetes.io/region";
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
    public static final String LOCALITY_LABEL = "istio-locality";
    public static final String HEALTHY = "HEALTHY";
    public static final String UNHEALTHY = "UNHEALTHY";
    public static final String DRAINING = "DRAINING";

    private final String cluster;
    private final String network;
    private final String domain;

    /**
     * @param cluster the cluster id
     * @param network the cluster's network (empty for one network)
     * @param domain  the cluster's DNS domain ({@code cluster.local})
     */
    public RegistryBuilder(String cluster, String network, String domain) {
        this.cluster = cluster;
        this.network = network == null ? "" : network;
        this.domain = domain;
    }

    /**
     * The records of the cluster's Services that {@code affected} selects (by {@code namespace/name}).
     *
     * @param observedAt the time to stamp on every record
     */
    public Registry build(ClusterSnapshot snapshot, Predicate<String> affected, long observedAt) {
        Map<String, ClusterService> out = new TreeMap<>();
        Map<String, String> problems = new TreeMap<>();
        snapshot.services().forEach((nsName, svc) -> {
            if (!affected.test(nsName)) {
                return;
            }
            String conflict = portConflict(svc);
            if (conflict != null) {
                problems.put(nsName, "cluster " + cluster + ": Service " + nsName + " is left out of the registry: " + conflict);
                return;
            }
            if ("ExternalName".equals(svc.getSpec().getType())) {
                return; // an alias to a DNS name: no endpoints to publish
            }
            ClusterService record = service(snapshot, svc, observedAt);
            out.put(record.key(), record);
        });
        return new Registry(out, problems);
    }

    /** Every Service of the cluster. */
    public Registry build(ClusterSnapshot snapshot, long observedAt) {
        return build(snapshot, k -> true, observedAt);
    }

    /**
     * What a build gives.
     *
     * @param services the records by key ({@code cluster/namespace/name})
     * @param problems {@code namespace/name} of each Service left out to the one line that says why
     */
    public record Registry(Map<String, ClusterService> services, Map<String, String> problems) {
        public Registry {
            services = Map.copyOf(services);
            problems = Map.copyOf(problems);
        }
    }

    /** Why the Service's ports cannot all be served, or null: two ports with one name, or one number twice. */
    static String portConflict(Service svc) {
        List<ServicePort> ports = svc.getSpec().getPorts() == null ? List.of() : svc.getSpec().getPorts();
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> numbers = new HashMap<>();
        for (int i = 0; i < ports.size(); i++) {
            ServicePort p = ports.get(i);
            String name = p.getName() == null ? "" : p.getName();
            if (ports.size() > 1 && name.isEmpty()) {
                return "spec.ports[" + i + "] has no name, and a Service with several ports must name each; name it";
            }
            Integer first = names.putIfAbsent(name, i);
            if (first != null) {
                return "spec.ports[" + first + "] and spec.ports[" + i + "] are both named \"" + name + "\"; give each its own name";
            }
            String l4 = p.getProtocol() == null ? "TCP" : p.getProtocol();
            first = numbers.putIfAbsent(p.getPort() + "/" + l4, i);
            if (first != null) {
                return "spec.ports[" + first + "] and spec.ports[" + i + "] both use port " + p.getPort() + "/" + l4
                        + "; remove one or give it another number";
            }
        }
        return null;
    }

    private ClusterService service(ClusterSnapshot snapshot, Service svc, long observedAt) {
        String ns = svc.getMetadata().getNamespace();
        String name = svc.getMetadata().getName();
        String serviceNetwork = snapshot.namespaceLabels(ns).getOrDefault(NETWORK_LABEL, network);
        List<ClusterService.Port> ports = new ArrayList<>();
        for (ServicePort p : svc.getSpec().getPorts() == null ? List.<ServicePort>of() : svc.getSpec().getPorts()) {
            ports.add(new ClusterService.Port(p.getName(), p.getPort(),
                    PortProtocol.of(p.getPort(), p.getName(), p.getProtocol(), p.getAppProtocol()), targetPort(p)));
        }
        boolean allReady = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
        Map<String, ClusterService.Endpoint> byAddress = new LinkedHashMap<>();
        for (EndpointSlice slice : snapshot.slicesOf(ns, name)) {
            if ("FQDN".equals(slice.getAddressType()) || slice.getEndpoints() == null) {
                continue;
            }
            Map<String, Integer> slicePorts = new TreeMap<>();
            for (EndpointPort p : slice.getPorts() == null ? List.<EndpointPort>of() : slice.getPorts()) {
                if (p.getPort() != null) {
                    slicePorts.put(p.getName() == null ? "" : p.getName(), p.getPort());
                }
            }
            for (Endpoint e : slice.getEndpoints()) {
                if (e.getAddresses() == null || e.getAddresses().isEmpty()) {
                    continue;
                }
                ClusterService.Endpoint ep = endpoint(snapshot, ns, e, slicePorts, serviceNetwork, allReady);
                // during a move an address can sit in two slices: the healthier view wins
                byAddress.merge(ep.address(), ep, (a, b) -> rank(b.health()) < rank(a.health()) ? b : a);
            }
        }
        List<ClusterService.Endpoint> endpoints = new ArrayList<>(byAddress.values());
        endpoints.sort(Comparator.comparing(ClusterService.Endpoint::address));
        List<String> addresses = addresses(svc);
        Map<String, String> labels = svc.getMetadata().getLabels() == null ? Map.of() : svc.getMetadata().getLabels();
        return new ClusterService(ClusterService.VERSION, cluster, serviceNetwork, ns, name,
                name + "." + ns + ".svc." + domain, labels, addresses, ports, endpoints, observedAt, externalAddresses(svc));
    }

    private ClusterService.Endpoint endpoint(ClusterSnapshot snapshot, String ns, Endpoint e, Map<String, Integer> ports,
                                             String serviceNetwork, boolean allReady) {
        ObjectReference ref = e.getTargetRef();
        Pod pod = ref != null && "Pod".equals(ref.getKind())
                ? snapshot.pod(ref.getNamespace() == null ? ns : ref.getNamespace(), ref.getName()).orElse(null) : null;
        Map<String, String> labels = new TreeMap<>();
        String serviceAccount = "";
        String nodeName = e.getNodeName();
        if (pod != null) {
            if (pod.getMetadata().getLabels() != null) {
                labels.putAll(pod.getMetadata().getLabels());
            }
            serviceAccount = pod.getSpec() == null || pod.getSpec().getServiceAccountName() == null
                    ? "" : pod.getSpec().getServiceAccountName();
            if (nodeName == null && pod.getSpec() != null) {
                nodeName = pod.getSpec().getNodeName();
            }
        }
        Node node = snapshot.node(nodeName).orElse(null);
        String locality = locality(labels, node);
        String endpointNetwork = labels.getOrDefault(NETWORK_LABEL, serviceNetwork);
        labels.put(CLUSTER_LABEL, cluster);
        if (!endpointNetwork.isEmpty()) {
            labels.put(NETWORK_LABEL, endpointNetwork);
        }
        String[] parts = locality.split("/", -1);
        putIfSet(labels, REGION_LABEL, parts.length > 0 ? parts[0] : "");
        putIfSet(labels, ZONE_LABEL, parts.length > 1 ? parts[1] : "");
        putIfSet(labels, SUBZONE_LABEL, parts.length > 2 ? parts[2] : "");
        putIfSet(labels, HOSTNAME_LABEL, nodeName == null ? "" : nodeName);
        String health = allReady ? HEALTHY : health(e.getConditions());
        return new ClusterService.Endpoint(e.getAddresses().get(0), ports, labels, serviceAccount, locality, health,
                pod == null ? "" : pod.getMetadata().getName());
    }

    /** Istio's endpoint health from an EndpointSlice's conditions. */
    static String health(EndpointConditions c) {
        if (c == null || c.getReady() == null || c.getReady()) {
            return HEALTHY;
        }
        if (Boolean.TRUE.equals(c.getServing()) && Boolean.TRUE.equals(c.getTerminating())) {
            return DRAINING;
        }
        return UNHEALTHY;
    }

    /** {@code region/zone/subzone}: the pod's {@code istio-locality} label (dots for slashes), else its node's labels. */
    static String locality(Map<String, String> podLabels, Node node) {
        String override = podLabels.get(LOCALITY_LABEL);
        if (override != null && !override.isEmpty()) {
            return override.replace('.', '/');
        }
        if (node == null || node.getMetadata().getLabels() == null) {
            return "";
        }
        Map<String, String> l = node.getMetadata().getLabels();
        String region = l.getOrDefault(REGION_LABEL, "");
        String zone = l.getOrDefault(ZONE_LABEL, "");
        String subzone = l.getOrDefault(SUBZONE_LABEL, "");
        if (region.isEmpty() && zone.isEmpty() && subzone.isEmpty()) {
            return "";
        }
        return subzone.isEmpty() ? region + "/" + zone : region + "/" + zone + "/" + subzone;
    }

    private static int rank(String health) {
        return switch (health) {
            case HEALTHY -> 0;
            case DRAINING -> 1;
            default -> 2;
        };
    }

    private static int targetPort(ServicePort p) {
        IntOrString target = p.getTargetPort();
        if (target == null) {
            return p.getPort(); // Kubernetes defaults the target port to the port
        }
        return target.getIntVal() != null ? target.getIntVal() : 0;
    }

    private static List<String> addresses(Service svc) {
        String ip = svc.getSpec().getClusterIP();
        if (ip == null || ip.isEmpty() || "None".equals(ip)) {
            return List.of(); // headless: clients resolve the pods
        }
        List<String> ips = svc.getSpec().getClusterIPs();
        return ips != null && ips.size() > 1 ? List.copyOf(ips) : List.of(ip);
    }

    /** LoadBalancer ingress IPs, then externalIPs: where another network reaches the Service (an east-west gateway). */
    private static List<String> externalAddresses(Service svc) {
        List<String> out = new ArrayList<>();
        if (svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null
                && svc.getStatus().getLoadBalancer().getIngress() != null) {
            svc.getStatus().getLoadBalancer().getIngress().forEach(i -> {
                if (i.getIp() != null && !i.getIp().isEmpty()) {
                    out.add(i.getIp());
                }
            });
        }
        if (svc.getSpec().getExternalIPs() != null) {
            svc.getSpec().getExternalIPs().stream().filter(ip -> !out.contains(ip)).forEach(out::add);
        }
        return List.copyOf(out);
    }

    private static void putIfSet(Map<String, String> labels, String key, String value) {
        if (!value.isEmpty()) {
            labels.putIfAbsent(key, value);
        }
    }
}
