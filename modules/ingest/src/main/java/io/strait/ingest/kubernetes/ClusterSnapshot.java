package io.strait.ingest.kubernetes;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one cluster holds at one moment, as the registry reads it: its Services, EndpointSlices, Pods, Nodes and
 * Namespaces, indexed the way {@link RegistryBuilder} looks them up. The objects are the informers' cached ones,
 * which fabric8 (like client-go) hands out on the understanding that nobody changes them; nothing here does.
 *
 * @param services   {@code namespace/name} to Service
 * @param slices     {@code namespace/service} to the EndpointSlices labelled {@code kubernetes.io/service-name} with it
 * @param pods       {@code namespace/name} to Pod
 * @param nodes      name to Node
 * @param namespaces name to Namespace
 */
public record ClusterSnapshot(Map<String, Service> services, Map<String, List<EndpointSlice>> slices, Map<String, Pod> pods,
                              Map<String, Node> nodes, Map<String, Namespace> namespaces) {
    /** The label an EndpointSlice names its Service with. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    public ClusterSnapshot {
        services = Map.copyOf(services);
        slices = Map.copyOf(slices);
        pods = Map.copyOf(pods);
        nodes = Map.copyOf(nodes);
        namespaces = Map.copyOf(namespaces);
    }

    /** Indexes the objects as the informers' stores list them. */
    public static ClusterSnapshot of(Collection<Service> services, Collection<EndpointSlice> slices, Collection<Pod> pods,
                                     Collection<Node> nodes, Collection<Namespace> namespaces) {
        Map<String, Service> svc = new HashMap<>();
        services.forEach(s -> svc.put(key(s.getMetadata().getNamespace(), s.getMetadata().getName()), s));
        Map<String, List<EndpointSlice>> bySvc = new HashMap<>();
        for (EndpointSlice slice : slices) {
            Map<String, String> labels = slice.getMetadata().getLabels();
            String owner = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
            if (owner != null) {
                bySvc.computeIfAbsent(key(slice.getMetadata().getNamespace(), owner), k -> new ArrayList<>()).add(slice);
            }
        }
        Map<String, Pod> pod = new HashMap<>();
        pods.forEach(p -> pod.put(key(p.getMetadata().getNamespace(), p.getMetadata().getName()), p));
        Map<String, Node> node = new HashMap<>();
        nodes.forEach(n -> node.put(n.getMetadata().getName(), n));
        Map<String, Namespace> ns = new HashMap<>();
        namespaces.forEach(n -> ns.put(n.getMetadata().getName(), n));
        return new ClusterSnapshot(svc, bySvc, pod, node, ns);
    }

    public static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    public List<EndpointSlice> slicesOf(String namespace, String service) {
        return slices.getOrDefault(key(namespace, service), List.of());
    }

    public Optional<Pod> pod(String namespace, String name) {
        return Optional.ofNullable(pods.get(key(namespace, name)));
    }

    public Optional<Node> node(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(nodes.get(name));
    }

    public Map<String, String> namespaceLabels(String name) {
        Namespace ns = namespaces.get(name);
        return ns == null || ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels();
    }
}
