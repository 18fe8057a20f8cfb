package io.strait.translate.pilot;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.strait.model.istio.DestinationRule.ClientTls;
import io.strait.model.proxy.ProxyType;

/**
 * {@code trafficPolicy.tls}: TLS from an Envoy proxy to the destination. SIMPLE verifies the server against
 * {@code caCertificates} (the system bundle when none is given, unless {@code insecureSkipVerify}) and, when listed,
 * its subject alternative names; MUTUAL also presents a client certificate; a {@code credentialName} is fetched by
 * SDS under Istio's names. DISABLE sends plain text. ISTIO_MUTUAL and auto mTLS are {@link ClusterMtls}'s; proxyless
 * gRPC takes TLS only from certificate providers in its bootstrap, so SIMPLE and MUTUAL stay plain text there (ingest
 * warns).
 */
final class UpstreamTls implements ClusterFeature {
    /** Debian's and most distributions' CA bundle, which Istio also falls back to. */
    static final String SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

    @Override
    public void apply(ClusterPolicy policy, ProxyType proxy, Cluster.Builder cluster) {
        ClientTls tls = policy.tls();
        if (tls == null || proxy == ProxyType.GRPC || !("SIMPLE".equals(tls.mode()) || "MUTUAL".equals(tls.mode()))) {
            return;
        }
        boolean mutual = "MUTUAL".equals(tls.mode());
        CommonTlsContext.Builder common = CommonTlsContext.newBuilder();
        boolean verify = !Boolean.TRUE.equals(tls.insecureSkipVerify());
        if (tls.credentialName() != null) {
            if (mutual) {
                common.addTlsCertificateSdsSecretConfigs(TlsSources.sds(tls.credentialName(), ""));
            }
            if (verify) {
                common.setValidationContextSdsSecretConfig(TlsSources.sds(tls.credentialName(), "-cacert"));
            }
        } else {
            if (mutual && tls.clientCertificate() != null && tls.privateKey() != null) {
                common.addTlsCertificates(TlsCertificate.newBuilder().setCertificateChain(TlsSources.file(tls.clientCertificate()))
                        .setPrivateKey(TlsSources.file(tls.privateKey())));
            }
            if (verify) {
                CertificateValidationContext.Builder validation = CertificateValidationContext.newBuilder()
                        .setTrustedCa(TlsSources.file(tls.caCertificates() != null ? tls.caCertificates() : SYSTEM_CA_BUNDLE));
                for (String san : tls.subjectAltNames()) {
                    // a SAN may be a DNS name or a SPIFFE URI; either kind matching is enough
                    validation.addMatchTypedSubjectAltNames(san(SubjectAltNameMatcher.SanType.DNS, san));
                    validation.addMatchTypedSubjectAltNames(san(SubjectAltNameMatcher.SanType.URI, san));
                }
                common.setValidationContext(validation);
            }
        }
        UpstreamTlsContext.Builder context = UpstreamTlsContext.newBuilder().setCommonTlsContext(common);
        if (tls.sni() != null) {
            context.setSni(tls.sni());
        }
        cluster.setTransportSocket(TransportSocket.newBuilder().setName("envoy.transport_sockets.tls")
                .setTypedConfig(Any.pack(context.build())));
    }

    private static SubjectAltNameMatcher san(SubjectAltNameMatcher.SanType type, String value) {
        return SubjectAltNameMatcher.newBuilder().setSanType(type).setMatcher(StringMatcher.newBuilder().setExact(value)).build();
    }

}
