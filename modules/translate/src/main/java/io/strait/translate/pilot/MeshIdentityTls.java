package io.strait.translate.pilot;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateProviderPluginInstance;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;

/**
 * TLS with the workload's own mesh identity, as Istio builds it for ISTIO_MUTUAL, auto mTLS and inbound mTLS.
 *
 * <p>Envoy takes the certificate and the roots by SDS from the local agent (cluster {@code sds-grpc}, the agent's
 * Unix socket, Istio's names {@code default} and {@code ROOTCA}), so no key is ever in xDS. Proxyless gRPC cannot
 * use SDS (A29): it names the bootstrap's certificate provider instance {@code default} (the agent's
 * {@code file_watcher}), certificate {@code default} and roots {@code ROOTCA}, in both the current fields and the
 * deprecated ones, as Istio's grpcgen does, because older and newer gRPC clients read different ones. gRPC also
 * refuses {@code tls_params}, so its contexts carry none.
 */
final class MeshIdentityTls {
    static final String TRANSPORT_SOCKET = "envoy.transport_sockets.tls";
    /** The agent's SDS cluster in Istio's Envoy bootstrap. */
    static final String SDS_CLUSTER = "sds-grpc";
    static final String CERTIFICATE = "default";
    static final String ROOTS = "ROOTCA";
    /** ALPN a sidecar offers upstream so the server's PERMISSIVE chains know the connection is mesh mTLS. */
    static final List<String> MESH_ALPN = List.of("istio-peer-exchange", "istio");
    static final List<String> MESH_ALPN_H2 = List.of("istio-peer-exchange", "istio", "h2");

    private MeshIdentityTls() {
    }

    /** An SDS secret from the local agent, as Istio's ConstructSdsSecretConfig writes it. */
    static SdsSecretConfig sds(String name) {
        return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(ConfigSource.newBuilder()
                .setApiConfigSource(ApiConfigSource.newBuilder().setApiType(ApiConfigSource.ApiType.GRPC)
                        .setSetNodeOnFirstMessageOnly(true).setTransportApiVersion(ApiVersion.V3)
                        .addGrpcServices(GrpcService.newBuilder().setEnvoyGrpc(
                                GrpcService.EnvoyGrpc.newBuilder().setClusterName(SDS_CLUSTER))))
                .setResourceApiVersion(ApiVersion.V3)).build();
    }

    /** Envoy's certificate and roots by SDS; the peer must be one of {@code sans} when any are given. */
    private static CommonTlsContext.Builder envoyCommon(List<String> sans) {
        CertificateValidationContext.Builder validation = CertificateValidationContext.newBuilder();
        sans.forEach(san -> validation.addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(san)));
        return CommonTlsContext.newBuilder()
                .setTlsParams(TlsParameters.newBuilder().setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2))
                .addTlsCertificateSdsSecretConfigs(sds(CERTIFICATE))
                .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                        .setDefaultValidationContext(validation).setValidationContextSdsSecretConfig(sds(ROOTS)));
    }

    /** An Envoy sidecar's inbound mTLS: its identity, the mesh roots, a client certificate required. */
    static TransportSocket envoyServer(boolean http) {
        CommonTlsContext.Builder common = envoyCommon(List.of());
        if (http) {
            common.addAlpnProtocols("h2").addAlpnProtocols("http/1.1");
        } else {
            common.addAllAlpnProtocols(List.of("istio-peer-exchange", "h2", "http/1.1"));
        }
        return socket(DownstreamTlsContext.newBuilder().setCommonTlsContext(common)
                .setRequireClientCertificate(BoolValue.of(true)).build());
    }

    /** An Envoy sidecar's mTLS to a mesh destination: SNI the cluster's name, Istio's in-mesh ALPN. */
    static TransportSocket envoyClient(List<String> sans, String sni, boolean h2) {
        CommonTlsContext.Builder common = envoyCommon(sans).addAllAlpnProtocols(h2 ? MESH_ALPN_H2 : MESH_ALPN);
        return socket(UpstreamTlsContext.newBuilder().setCommonTlsContext(common).setSni(sni).build());
    }

    /** Proxyless gRPC's identity and roots from its bootstrap's certificate provider, in both field generations. */
    private static CommonTlsContext grpcCommon(List<String> sans) {
        CertificateValidationContext.Builder validation = CertificateValidationContext.newBuilder()
                .setCaCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                        .setInstanceName(CERTIFICATE).setCertificateName(ROOTS));
        sans.forEach(san -> validation.addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(san)));
        return CommonTlsContext.newBuilder()
                .setTlsCertificateProviderInstance(CertificateProviderPluginInstance.newBuilder()
                        .setInstanceName(CERTIFICATE).setCertificateName(CERTIFICATE))
                .setTlsCertificateCertificateProviderInstance(CommonTlsContext.CertificateProviderInstance.newBuilder()
                        .setInstanceName(CERTIFICATE).setCertificateName(CERTIFICATE))
                .setCombinedValidationContext(CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                        .setDefaultValidationContext(validation)
                        .setValidationContextCertificateProviderInstance(CommonTlsContext.CertificateProviderInstance.newBuilder()
                                .setInstanceName(CERTIFICATE).setCertificateName(ROOTS)))
                .build();
    }

    /** A proxyless gRPC server's mTLS: client certificate required; no SAN matcher, which gRPC servers refuse. */
    static TransportSocket grpcServer() {
        return socket(DownstreamTlsContext.newBuilder().setCommonTlsContext(grpcCommon(List.of()))
                .setRequireClientCertificate(BoolValue.of(true)).build());
    }

    /** A proxyless gRPC client's mTLS to a destination whose workloads are {@code sans}. */
    static TransportSocket grpcClient(List<String> sans) {
        return socket(UpstreamTlsContext.newBuilder().setCommonTlsContext(grpcCommon(sans)).build());
    }

    private static TransportSocket socket(com.google.protobuf.Message context) {
        return TransportSocket.newBuilder().setName(TRANSPORT_SOCKET).setTypedConfig(Any.pack(context)).build();
    }
}
