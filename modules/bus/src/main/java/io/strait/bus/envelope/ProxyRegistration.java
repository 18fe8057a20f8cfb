package io.strait.bus.envelope;

import java.util.Map;

/**
 * The value of {@code strait.proxies.v1}: a connected proxy, written by the front it is connected to.
 *
 * @param proxyId        node id
 * @param scope          scope id (also the partitioning key)
 * @param type           SIDECAR, ROUTER or GRPC
 * @param namespace      workload namespace
 * @param serviceAccount workload service account
 * @param clusterId      workload cluster
 * @param labels         workload labels
 * @param ip             node IP
 * @param front          the id of the front holding the stream
 * @param connectedAt    epoch millis
 * @param locality       {@code region/zone/subzone} of the node, empty or absent if unknown
 * @param network        the node's network ({@code NETWORK} metadata), empty or absent if not given
 */
public record ProxyRegistration(int v, String proxyId, String scope, String type, String namespace,
                                String serviceAccount, String clusterId, Map<String, String> labels, String ip,
                                String front, long connectedAt, String locality, String network) {
    public ProxyRegistration {
        labels = labels == null ? Map.of() : labels;
        network = network == null ? "" : network;
    }

    /** A registration without a network (as written before networks existed). */
    public ProxyRegistration(int v, String proxyId, String scope, String type, String namespace, String serviceAccount,
                             String clusterId, Map<String, String> labels, String ip, String front, long connectedAt,
                             String locality) {
        this(v, proxyId, scope, type, namespace, serviceAccount, clusterId, labels, ip, front, connectedAt, locality, "");
    }
}
