package io.strait.cli.bootstrap;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Admin;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.strait.model.proxy.ProxyIdentity;
import java.util.Map;

/**
 * An Envoy bootstrap for a sidecar or gateway of Strait, shaped like Istio's: the node in Istio's form (id,
 * NAMESPACE, LABELS, SERVICE_ACCOUNT, CLUSTER_ID metadata), listeners and clusters over one ADS stream to an xDS
 * front ({@code xds-grpc}, HTTP/2), the workload agent's SDS ({@code sds-grpc}, a Unix socket), the admin interface on 127.0.0.1:15000. With Istio's iptables capture in
 * front of it, the listeners Strait sends (virtualOutbound 15001, virtualInbound 15006) take the pod's traffic.
 *
 * @param xds      the xDS front, {@code host:port} (an IP literal or a DNS name)
 * @param identity the proxy, as the front will read it
 * @param sdsSocket the workload agent's SDS socket ({@code strait agent --sds-socket}); Istio's relative path by default
 */
public record EnvoyBootstrap(String xds, ProxyIdentity identity, String sdsSocket) {

    /** A bootstrap whose SDS is at Istio's path, {@value #SDS_SOCKET}, relative to Envoy's working directory. */
    public EnvoyBootstrap(String xds, ProxyIdentity identity) {
        this(xds, identity, SDS_SOCKET);
    }

    private static final String XDS_CLUSTER = "xds-grpc";
    /** The agent's SDS cluster, named as the mesh TLS contexts name it (Istio's bootstrap name). */
    static final String SDS_CLUSTER = "sds-grpc";
    /** Where Istio's agent serves SDS, relative to Envoy's working directory. */
    public static final String SDS_SOCKET = "./var/run/secrets/workload-spiffe-uds/socket";

    public Bootstrap toProto() {
        int colon = xds.lastIndexOf(':');
        if (colon <= 0 || !xds.substring(colon + 1).matches("\\d{1,5}")) {
            throw new IllegalArgumentException("--xds " + xds + " must be host:port, e.g. 127.0.0.1:15010");
        }
        String host = xds.substring(0, colon);
        int port = Integer.parseInt(xds.substring(colon + 1));
        ConfigSource ads = ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())
                .setResourceApiVersion(ApiVersion.V3).build();
        boolean literal = host.matches("[0-9.]+") || host.contains(":");
        Cluster xdsCluster = Cluster.newBuilder().setName(XDS_CLUSTER)
                .setType(literal ? Cluster.DiscoveryType.STATIC : Cluster.DiscoveryType.STRICT_DNS)
                .setConnectTimeout(Duration.newBuilder().setSeconds(1))
                // ADS is gRPC: the connection to the front must speak HTTP/2
                .putTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                        Any.pack(HttpProtocolOptions.newBuilder().setExplicitHttpConfig(
                                HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                                        .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance())).build()))
                .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(XDS_CLUSTER).addEndpoints(
                        LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(
                                Endpoint.newBuilder().setAddress(socket(host.replace("[", "").replace("]", ""), port))))))
                .build();
        return Bootstrap.newBuilder()
                .setNode(node(identity))
                .setAdmin(Admin.newBuilder().setAddress(socket("127.0.0.1", 15000)))
                .setDynamicResources(Bootstrap.DynamicResources.newBuilder()
                        .setAdsConfig(ApiConfigSource.newBuilder().setApiType(ApiConfigSource.ApiType.GRPC)
                                .setTransportApiVersion(ApiVersion.V3).setSetNodeOnFirstMessageOnly(true)
                                .addGrpcServices(GrpcService.newBuilder().setEnvoyGrpc(
                                        GrpcService.EnvoyGrpc.newBuilder().setClusterName(XDS_CLUSTER))))
                        .setCdsConfig(ads).setLdsConfig(ads))
                .setStaticResources(Bootstrap.StaticResources.newBuilder().addClusters(xdsCluster).addClusters(sdsCluster(sdsSocket)))
                .build();
    }

    /**
     * {@code sds-grpc}: the workload agent's SDS on its Unix socket (Istio's {@code workload-spiffe-uds} path), where
     * the mesh mTLS contexts Strait sends take the certificate {@code default} and the roots {@code ROOTCA}. The
     * cluster must exist even without an agent: Envoy refuses a listener whose SDS names an unknown cluster.
     */
    private static Cluster sdsCluster(String socketPath) {
        return Cluster.newBuilder().setName(SDS_CLUSTER).setType(Cluster.DiscoveryType.STATIC)
                .setConnectTimeout(Duration.newBuilder().setSeconds(1))
                .putTypedExtensionProtocolOptions("envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                        Any.pack(HttpProtocolOptions.newBuilder().setExplicitHttpConfig(
                                HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                                        .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance())).build()))
                .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(SDS_CLUSTER).addEndpoints(
                        LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(
                                Endpoint.newBuilder().setAddress(Address.newBuilder().setPipe(
                                        io.envoyproxy.envoy.config.core.v3.Pipe.newBuilder().setPath(socketPath)))))))
                .build();
    }

    /** The bootstrap as JSON, which Envoy reads with {@code -c}. */
    public String toJson() {
        try {
            return JsonFormat.printer().usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder()
                    .add(HttpProtocolOptions.getDescriptor()).build()).print(toProto());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The node a proxy of {@code identity} sends on its ADS stream, in Istio's form: its id, cluster
     * {@code <app>.<namespace>}, and NAMESPACE, SERVICE_ACCOUNT, CLUSTER_ID and LABELS metadata (what a front reads).
     */
    public static Node node(ProxyIdentity identity) {
        Struct.Builder labels = Struct.newBuilder();
        identity.labels().forEach((k, v) -> labels.putFields(k, string(v)));
        Struct metadata = Struct.newBuilder()
                .putFields("NAMESPACE", string(identity.namespace()))
                .putFields("SERVICE_ACCOUNT", string(identity.serviceAccount()))
                .putFields("CLUSTER_ID", string(identity.clusterId()))
                .putFields("LABELS", Value.newBuilder().setStructValue(labels).build())
                .build();
        return Node.newBuilder().setId(identity.proxyId())
                .setCluster(identity.labels().getOrDefault("app", identity.podName()) + "." + identity.namespace())
                .setMetadata(metadata).build();
    }

    /**
     * The node of an Istio sidecar: pod {@code pod} of {@code namespace} at {@code ip}, id
     * {@code sidecar~<ip>~<pod>.<namespace>~<namespace>.svc.cluster.local}, with these labels (as {@link #node}).
     * What simulated sidecars (the load harness, the integration tests' followers) send.
     */
    public static Node sidecarNode(String ip, String pod, String namespace, Map<String, String> labels) {
        return node(identity("sidecar~" + ip + "~" + pod + "." + namespace + "~" + namespace + ".svc.cluster.local", namespace, labels));
    }

    /** The identity of a node id, checked as a front checks it; labels as given. */
    public static ProxyIdentity identity(String nodeId, String namespace, Map<String, String> labels) {
        Map<String, String> metadata = namespace == null ? Map.of() : Map.of("NAMESPACE", namespace);
        return ProxyIdentity.of(nodeId, metadata, labels);
    }

    private static Address socket(String host, int port) {
        return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port)).build();
    }

    private static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }
}
