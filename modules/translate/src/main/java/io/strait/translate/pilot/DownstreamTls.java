package io.strait.translate.pilot;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.strait.model.istio.Gateway;

/**
 * How a gateway server terminates TLS. A {@code credentialName} becomes SDS secrets fetched over ADS under Istio's
 * names ({@code kubernetes://<name>}, and {@code kubernetes://<name>-cacert} for the client CA of MUTUAL), so the
 * key never sits in a listener; certificate files ({@code serverCertificate}, {@code privateKey},
 * {@code caCertificates}) are read by the gateway itself, which reloads them when they change.
 */
final class DownstreamTls {
    private DownstreamTls() {
    }

    static TransportSocket of(Gateway.ServerTls tls) {
        CommonTlsContext.Builder common = CommonTlsContext.newBuilder().addAlpnProtocols("h2").addAlpnProtocols("http/1.1");
        if (tls.credentialName() != null) {
            common.addTlsCertificateSdsSecretConfigs(TlsSources.sds(tls.credentialName(), ""));
            if (verifiesClients(tls)) {
                common.setValidationContextSdsSecretConfig(TlsSources.sds(tls.credentialName(), "-cacert"));
            }
        } else {
            common.addTlsCertificates(TlsCertificate.newBuilder()
                    .setCertificateChain(TlsSources.file(tls.serverCertificate())).setPrivateKey(TlsSources.file(tls.privateKey())));
            if (verifiesClients(tls) && tls.caCertificates() != null) {
                common.setValidationContext(CertificateValidationContext.newBuilder().setTrustedCa(TlsSources.file(tls.caCertificates())));
            }
        }
        if (tls.minProtocolVersion() != null || tls.maxProtocolVersion() != null) {
            TlsParameters.Builder params = TlsParameters.newBuilder();
            if (tls.minProtocolVersion() != null) {
                params.setTlsMinimumProtocolVersion(version(tls.minProtocolVersion()));
            }
            if (tls.maxProtocolVersion() != null) {
                params.setTlsMaximumProtocolVersion(version(tls.maxProtocolVersion()));
            }
            common.setTlsParams(params);
        }
        DownstreamTlsContext context = DownstreamTlsContext.newBuilder().setCommonTlsContext(common)
                .setRequireClientCertificate(BoolValue.of(tls.mutual())).build();
        return TransportSocket.newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(context)).build();
    }

    /** MUTUAL requires a client certificate; OPTIONAL_MUTUAL verifies one when the client sends it. */
    private static boolean verifiesClients(Gateway.ServerTls tls) {
        return tls.mutual() || "OPTIONAL_MUTUAL".equals(tls.mode());
    }

    private static TlsParameters.TlsProtocol version(String istio) {
        return switch (istio) {
            case "TLSV1_0" -> TlsParameters.TlsProtocol.TLSv1_0;
            case "TLSV1_1" -> TlsParameters.TlsProtocol.TLSv1_1;
            case "TLSV1_2" -> TlsParameters.TlsProtocol.TLSv1_2;
            case "TLSV1_3" -> TlsParameters.TlsProtocol.TLSv1_3;
            default -> TlsParameters.TlsProtocol.TLS_AUTO;
        };
    }
}
