package io.strait.translate.pilot;

import com.google.protobuf.Any;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer;
import io.strait.model.istio.DestinationRule.ClientTls;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyType;
import java.util.List;
import java.util.Map;

/**
 * Mesh mTLS from a client to a destination, with the client's own workload identity ({@link MeshIdentityTls}) and the
 * destination's workloads' identities as the only accepted server SANs ({@link MeshModel#identitiesOf}, unless the
 * rule lists {@code subjectAltNames}).
 * <ul>
 *   <li>DestinationRule {@code tls.mode: ISTIO_MUTUAL}: always mTLS, for Envoy (SNI the cluster's name, as Istio)
 *   and for proxyless gRPC.</li>
 *   <li>Auto mTLS (MeshConfig {@code enableAutoMtls}, on by default), when the rule sets no TLS: Envoy clusters get
 *   Istio's {@code transport_socket_matches}, mTLS to endpoints labelled {@code security.istio.io/tlsMode: istio}
 *   ({@link Endpoints} copies the label into their {@code envoy.transport_socket_match} metadata), plain text to the
 *   others. Proxyless gRPC has no transport socket matches; beyond Istio, which makes users write ISTIO_MUTUAL for
 *   it, a gRPC client uses mTLS whenever a workload of the destination is STRICT on the port (its PeerAuthentication),
 *   and plain text otherwise — a PERMISSIVE gRPC server accepts only plain text (see {@link GrpcInbound}). When
 *   the destination's workloads disagree, mTLS wins: a call never goes as plain text to a workload that demands
 *   mTLS.</li>
 * </ul>
 * Destinations outside the mesh ({@code location: MESH_EXTERNAL}), and (as in Istio) destinations whose workloads all
 * DISABLE mTLS, never get auto mTLS.
 */
final class ClusterMtls {
    static final String TLS_MODE_LABEL = "security.istio.io/tlsMode";
    static final String TRANSPORT_SOCKET_MATCH = "envoy.transport_socket_match";

    private ClusterMtls() {
    }

    static void apply(ClusterRef ref, MeshModel model, ProxyType proxy, ClusterPolicy policy, Cluster.Builder cluster) {
        MeshModel.Service service = model.service(ref.host()).orElse(null);
        if (service == null) {
            return;
        }
        ClientTls tls = policy.tls();
        if (tls != null && "ISTIO_MUTUAL".equals(tls.mode())) {
            List<String> sans = tls.subjectAltNames().isEmpty() ? model.identitiesOf(service) : tls.subjectAltNames();
            cluster.setTransportSocket(proxy == ProxyType.GRPC ? MeshIdentityTls.grpcClient(sans)
                    : MeshIdentityTls.envoyClient(sans, tls.sni() != null ? tls.sni() : sni(ref, model), h2(policy)));
            return;
        }
        if (tls != null || !model.meshConfig().enableAutoMtls() || "MESH_EXTERNAL".equals(service.entry().location())) {
            return;
        }
        List<String> sans = model.identitiesOf(service);
        java.util.Set<PeerAuthentications.Mode> modes = modes(model, service, ref.port());
        if (proxy == ProxyType.GRPC) {
            if (modes.contains(PeerAuthentications.Mode.STRICT)) {
                cluster.setTransportSocket(MeshIdentityTls.grpcClient(sans));
            }
            return;
        }
        if (modes.equals(java.util.EnumSet.of(PeerAuthentications.Mode.DISABLE))) {
            return; // as Istio: no auto mTLS to a destination whose workloads all refuse it
        }
        cluster.addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder().setName("tlsMode-istio")
                        .setMatch(Struct.newBuilder().putFields("tlsMode", Value.newBuilder().setStringValue("istio").build()))
                        .setTransportSocket(MeshIdentityTls.envoyClient(sans, sni(ref, model), h2(policy))))
                .addTransportSocketMatches(Cluster.TransportSocketMatch.newBuilder().setName("tlsMode-disabled")
                        .setMatch(Struct.getDefaultInstance())
                        .setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.raw_buffer")
                                .setTypedConfig(Any.pack(RawBuffer.getDefaultInstance()))));
    }

    /**
     * The SNI of mesh mTLS to a cluster: its name, as before, in a mesh with one network; with several, Istio's
     * {@code outbound_.<port>_.<subset>_.<host>}, by which another network's east-west gateway routes the
     * connection to the cluster of that name (AUTO_PASSTHROUGH).
     */
    static String sni(ClusterRef ref, MeshModel model) {
        return model.networks().multiNetwork() ? ref.sniName() : ref.name();
    }

    /**
     * Whether a client uses mesh mTLS to one endpoint of a cluster (Istio's endpoint {@code tlsMode}, its
     * {@code mtlsChecker}): ISTIO_MUTUAL in the cluster's DestinationRule; no mTLS when the rule sets another TLS
     * mode; else auto mTLS (on in the MeshConfig, a destination inside the mesh) to an endpoint labelled
     * {@code security.istio.io/tlsMode: istio} whose PeerAuthentication does not DISABLE mTLS on its port. Only such
     * endpoints can be reached through an east-west gateway, which routes by the mTLS SNI.
     */
    static boolean usesMtls(MeshModel model, MeshModel.Service service, ClusterPolicy policy,
                            ServiceEntry.WorkloadEntry endpoint, int endpointPort) {
        ClientTls tls = policy.tls();
        if (tls != null) {
            return "ISTIO_MUTUAL".equals(tls.mode());
        }
        if (!model.meshConfig().enableAutoMtls() || "MESH_EXTERNAL".equals(service.entry().location())
                || !"istio".equals(endpoint.labels().get(TLS_MODE_LABEL))) {
            return false;
        }
        return PeerAuthentications.of(model, service.namespace(), endpoint.labels()).at(endpointPort)
                != PeerAuthentications.Mode.DISABLE;
    }

    /** The endpoint metadata that selects a transport socket match: Istio's {@code tlsMode}, when labelled. */
    static Map<String, String> socketMatchMetadata(Map<String, String> labels) {
        String mode = labels.get(TLS_MODE_LABEL);
        return mode == null ? Map.of() : Map.of("tlsMode", mode);
    }

    /** The mTLS modes of the workloads behind the service, each on the port it listens on for {@code servicePort}. */
    private static java.util.Set<PeerAuthentications.Mode> modes(MeshModel model, MeshModel.Service service, int servicePort) {
        java.util.Set<PeerAuthentications.Mode> out = java.util.EnumSet.noneOf(PeerAuthentications.Mode.class);
        ServiceEntry.ServicePort port = service.port(servicePort).orElse(null);
        if (port == null) {
            return out;
        }
        List<ServiceEntry.WorkloadEntry> endpoints = model.endpointsOf(service);
        if (endpoints.isEmpty()) {
            // no workload yet: judge by the workloads the service would select (else its namespace's policy)
            Map<String, String> labels = service.entry().workloadSelector() == null ? Map.of()
                    : service.entry().workloadSelector().labels();
            out.add(PeerAuthentications.of(model, service.namespace(), labels).at(port.endpointPort()));
        }
        for (ServiceEntry.WorkloadEntry e : endpoints) {
            int target = e.ports().getOrDefault(port.name(), port.endpointPort());
            out.add(PeerAuthentications.of(model, service.namespace(), e.labels()).at(target));
        }
        return out;
    }

    private static boolean h2(ClusterPolicy policy) {
        String protocol = policy.port() == null ? "" : policy.port().declaredProtocol();
        return protocol.equals("GRPC") || protocol.equals("HTTP2") || protocol.equals("GRPC-WEB");
    }
}
