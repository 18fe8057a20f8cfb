package io.strait.bus.envelope;

import java.util.List;
import java.util.Map;

/**
 * The value of {@code strait.endpoints.v1}, keyed {@code <cluster>/<namespace>/<service>} ({@link #key}): one
 * Kubernetes Service as one cluster sees it, with its full endpoint set — Istio's registry entry for that cluster.
 * A source publishes the whole record on every change of the service or its endpoints (compaction keeps the last),
 * and a tombstone when the service goes. The translator merges the records of all clusters by {@link #hostname}
 * (Istio's aggregate registry): one service, endpoints tagged with their cluster, network and locality.
 *
 * <p>Readers ignore fields they do not know (forward compatibility); {@code v} is bumped only for a change of meaning.
 *
 * @param v           envelope version (1)
 * @param cluster     the cluster id the source was given ({@code --kubernetes cluster=ID})
 * @param network     that cluster's network ({@code network=NET}, or the namespace's {@code topology.istio.io/network}
 *                    label); empty when the mesh has one network
 * @param namespace   the Service's namespace
 * @param name        the Service's name
 * @param hostname    {@code <name>.<namespace>.svc.<domain>}, the host config names it by
 * @param labels      the Service's labels (a {@code topology.istio.io/network} label marks a network's east-west gateway)
 * @param addresses   the Service's cluster IPs (empty for headless)
 * @param ports       the Service's ports, protocol already resolved as Istio does
 * @param endpoints   every endpoint of every EndpointSlice of the Service, merged
 * @param observedAt  epoch millis when the source last read this state from the cluster
 * @param externalAddresses the IPs the Service is reachable at from outside its cluster: its LoadBalancer ingress IPs,
 *                    then its {@code externalIPs} — what another network dials for an east-west gateway (a cluster IP
 *                    is not routable there)
 */
public record ClusterService(int v, String cluster, String network, String namespace, String name, String hostname,
                             Map<String, String> labels, List<String> addresses, List<Port> ports,
                             List<Endpoint> endpoints, long observedAt, List<String> externalAddresses) {
    public static final int VERSION = 1;

    public ClusterService {
        network = network == null ? "" : network;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        ports = ports == null ? List.of() : List.copyOf(ports);
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        externalAddresses = externalAddresses == null ? List.of() : List.copyOf(externalAddresses);
    }

    /** A service reachable only inside its cluster (no LoadBalancer or external IPs). */
    public ClusterService(int v, String cluster, String network, String namespace, String name, String hostname,
                          Map<String, String> labels, List<String> addresses, List<Port> ports, List<Endpoint> endpoints,
                          long observedAt) {
        this(v, cluster, network, namespace, name, hostname, labels, addresses, ports, endpoints, observedAt, List.of());
    }

    /** The record key: {@code <cluster>/<namespace>/<name>}. */
    public static String key(String cluster, String namespace, String name) {
        return cluster + "/" + namespace + "/" + name;
    }

    /** This record's key. */
    public String key() {
        return key(cluster, namespace, name);
    }

    /**
     * A service port.
     *
     * @param name       the port's name (may be empty for a single-port Service)
     * @param number     the service port
     * @param protocol   Istio's protocol for it, upper case (HTTP, HTTP2, GRPC, TCP, TLS, HTTPS, …): from
     *                   {@code appProtocol}, else the name's prefix, else empty (undeclared: Istio sniffs)
     * @param targetPort the numeric target port when the Service gives one (0 when it names a container port:
     *                   each endpoint's port for this name is then in {@link Endpoint#ports})
     */
    public record Port(String name, int number, String protocol, int targetPort) {
        public Port {
            name = name == null ? "" : name;
            protocol = protocol == null ? "" : protocol;
        }
    }

    /**
     * One endpoint address of the Service.
     *
     * @param address        the pod (or endpoint) IP
     * @param ports          the endpoint port for each service port name
     * @param labels         the pod's labels (with Istio's {@code topology.istio.io/cluster} and
     *                       {@code security.istio.io/tlsMode} when the pod carries it)
     * @param serviceAccount the pod's service account (empty when the endpoint has no pod)
     * @param locality       {@code region/zone/subzone} of the pod's node, from its topology labels (empty if unknown)
     * @param health         {@code HEALTHY} (ready), {@code UNHEALTHY} (not ready), {@code DRAINING} (terminating but
     *                       still serving)
     * @param pod            the pod's name, for status and debugging (empty when none)
     */
    public record Endpoint(String address, Map<String, Integer> ports, Map<String, String> labels, String serviceAccount,
                           String locality, String health, String pod) {
        public Endpoint {
            ports = ports == null ? Map.of() : Map.copyOf(ports);
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            serviceAccount = serviceAccount == null ? "" : serviceAccount;
            locality = locality == null ? "" : locality;
            health = health == null ? "HEALTHY" : health;
            pod = pod == null ? "" : pod;
        }
    }
}
