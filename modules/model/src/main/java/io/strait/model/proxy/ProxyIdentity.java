package io.strait.model.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who a connected proxy is, read from its node id and metadata the way istiod reads them: node id
 * {@code sidecar~<ip>~<pod>.<namespace>~<namespace>.svc.cluster.local}, metadata {@code NAMESPACE},
 * {@code LABELS}, {@code SERVICE_ACCOUNT}, {@code CLUSTER_ID}, {@code GENERATOR}, {@code NETWORK}.
 *
 * @param proxyId        the node id as sent
 * @param type           sidecar, router or proxyless gRPC
 * @param ip             the IP of the node id
 * @param podName        the pod (or workload) name
 * @param namespace      the workload namespace
 * @param serviceAccount the workload service account ({@code default} when not given)
 * @param clusterId      the cluster the workload runs in ({@code Kubernetes} when not given, as Istio's default)
 * @param labels         the workload labels
 * @param locality       where the workload runs, {@code region/zone/subzone} (the node's locality; empty if unknown)
 * @param network        the network the workload is in (Istio's {@code NETWORK} metadata; empty if not given)
 */
public record ProxyIdentity(String proxyId, ProxyType type, String ip, String podName, String namespace,
                            String serviceAccount, String clusterId, Map<String, String> labels, String locality,
                            String network) {

    public ProxyIdentity {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        locality = locality == null ? "" : locality;
        network = network == null ? "" : network;
    }

    /** A proxy in no particular network (the form every caller used before networks existed). */
    public ProxyIdentity(String proxyId, ProxyType type, String ip, String podName, String namespace,
                         String serviceAccount, String clusterId, Map<String, String> labels, String locality) {
        this(proxyId, type, ip, podName, namespace, serviceAccount, clusterId, labels, locality, "");
    }

    /** The same proxy, placed in {@code locality} ({@code region/zone/subzone}). */
    public ProxyIdentity withLocality(String locality) {
        return new ProxyIdentity(proxyId, type, ip, podName, namespace, serviceAccount, clusterId, labels, locality, network);
    }

    /** The same proxy, in {@code network} (empty: none given). */
    public ProxyIdentity withNetwork(String network) {
        return new ProxyIdentity(proxyId, type, ip, podName, namespace, serviceAccount, clusterId, labels, locality, network);
    }

    /**
     * Reads a node id and its metadata (flattened to strings; {@code LABELS} as a map).
     *
     * @throws IllegalArgumentException with a message for the user when the node id is not in Istio's form
     */
    public static ProxyIdentity of(String nodeId, Map<String, String> metadata, Map<String, String> labels) {
        String[] parts = nodeId == null ? new String[0] : nodeId.split("~", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("node id \"" + nodeId + "\" is not in Istio's form "
                    + "sidecar~<ip>~<pod>.<namespace>~<namespace>.svc.cluster.local");
        }
        ProxyType type = switch (parts[0]) {
            case "sidecar" -> "grpc".equalsIgnoreCase(metadata.get("GENERATOR")) ? ProxyType.GRPC : ProxyType.SIDECAR;
            case "router" -> ProxyType.ROUTER;
            default -> throw new IllegalArgumentException("node id \"" + nodeId + "\" must start with sidecar~ or router~");
        };
        String podAndNs = parts[2];
        int dot = podAndNs.indexOf('.');
        String pod = dot < 0 ? podAndNs : podAndNs.substring(0, dot);
        String namespace = metadata.getOrDefault("NAMESPACE", dot < 0 ? "" : podAndNs.substring(dot + 1));
        if (namespace.isEmpty()) {
            throw new IllegalArgumentException("node id \"" + nodeId + "\" names no namespace: use <pod>.<namespace> "
                    + "or set NAMESPACE in the node metadata");
        }
        return new ProxyIdentity(nodeId, type, parts[1], pod, namespace,
                metadata.getOrDefault("SERVICE_ACCOUNT", "default"),
                metadata.getOrDefault("CLUSTER_ID", "Kubernetes"), labels, "", metadata.getOrDefault("NETWORK", ""));
    }

    /**
     * The scope: proxies with the same type, cluster, namespace, service account, labels, locality and network get identical
     * config, so they share one scope. Fronts and translators compute it the same way from metadata alone.
     */
    public String scopeId() {
        StringBuilder canonical = new StringBuilder()
                .append(type).append('\n').append(clusterId).append('\n').append(namespace).append('\n')
                .append(serviceAccount).append('\n');
        new TreeMap<>(labels).forEach((k, v) -> canonical.append(k).append('=').append(v).append('\n'));
        if (!locality.isEmpty()) {
            canonical.append("locality:").append(locality).append('\n'); // absent: the scope ids proxies had before
        }
        if (!network.isEmpty()) {
            canonical.append("network:").append(network).append('\n'); // absent: the scope ids proxies had before
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return namespace + "." + type.name().toLowerCase() + "." + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
