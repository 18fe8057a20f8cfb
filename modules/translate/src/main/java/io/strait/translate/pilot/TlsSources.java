package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;

/**
 * Where a TLS context takes its certificates from, for both directions ({@link DownstreamTls}, {@link UpstreamTls}):
 * an SDS secret fetched over ADS under Istio's name ({@code kubernetes://<credentialName>}), or a file the proxy
 * reads (and reloads when it changes).
 */
final class TlsSources {
    static final String SDS_PREFIX = "kubernetes://";

    private TlsSources() {
    }

    /** The SDS secret of a credential; {@code suffix} "" for the certificate, "-cacert" for its CA. */
    static SdsSecretConfig sds(String credentialName, String suffix) {
        return SdsSecretConfig.newBuilder().setName(SDS_PREFIX + credentialName + suffix).setSdsConfig(Listeners.ads()).build();
    }

    static DataSource file(String path) {
        return DataSource.newBuilder().setFilename(path).build();
    }
}
