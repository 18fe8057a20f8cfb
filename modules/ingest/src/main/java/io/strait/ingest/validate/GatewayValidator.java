package io.strait.ingest.validate;

import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.Gateway;
import io.strait.model.istio.ResourceBinder;
import java.util.List;
import java.util.Locale;

/**
 * Gateway server rules beyond the schema: a server that terminates TLS names its certificate (an SDS
 * {@code credentialName}, or {@code serverCertificate} and {@code privateKey} files, plus {@code caCertificates}
 * for MUTUAL without a credential), as Istio's validation requires. Servers Strait does not translate yet —
 * Istio mTLS, and TCP-level protocols without TLS — are accepted with a warning; AUTO_PASSTHROUGH (an east-west
 * gateway) is translated.
 */
public final class GatewayValidator implements ResourceValidator {
    private static final List<String> HTTP = List.of("HTTP", "HTTP2", "GRPC", "GRPC-WEB", "HTTPS");

    @Override
    public void validate(LoadedResource r, Findings f) {
        Gateway gw = (Gateway) r.resource().spec();
        GatewayRules.check(new Report(r, f), r.resource().name(), PolicyRules.spec(r));
        for (int i = 0; i < gw.servers().size(); i++) {
            Gateway.Server s = gw.servers().get(i);
            if (s == null || s.port() == null) {
                continue; // the schema reports a missing server or port
            }
            String path = "spec.servers[" + i + "]";
            String protocol = s.port().protocol() == null ? "HTTP" : s.port().protocol().toUpperCase(Locale.ROOT);
            Gateway.ServerTls tls = s.tls();
            String mode = tls == null ? null : tls.mode();
            if (s.terminatesTls() && tls.credentialName() == null) {
                if (tls.serverCertificate() == null || tls.privateKey() == null) {
                    f.error(r, Findings.SCHEMA, path + ".tls", mode + " TLS needs a certificate: set credentialName, "
                            + "or serverCertificate and privateKey");
                } else if (!"SIMPLE".equals(mode) && tls.caCertificates() == null) {
                    f.error(r, Findings.SCHEMA, path + ".tls.caCertificates", mode
                            + " TLS verifies client certificates: set caCertificates (or use credentialName)");
                }
            }
            if ("PASSTHROUGH".equals(mode) || "AUTO_PASSTHROUGH".equals(mode)) {
                continue; // routed by the TLS routes bound to the gateway, or by the mesh's SNI (east-west)
            }
            if (mode != null && !s.terminatesTls()) {
                f.warning(r, ResourceBinder.NOT_TRANSLATED, path + ".tls.mode", "TLS mode " + mode
                        + " is valid but not translated yet; gateways get no listener for this server");
            } else if (!HTTP.contains(protocol)) {
                f.warning(r, ResourceBinder.NOT_TRANSLATED, path + ".port.protocol", "protocol " + protocol
                        + " is valid but not translated yet (it needs TCP or TLS routes); gateways get no listener for this server");
            } else if (protocol.equals("HTTPS") && mode == null) {
                f.error(r, Findings.SCHEMA, path + ".tls", "an HTTPS server needs tls settings (mode SIMPLE with a "
                        + "credentialName, for example)");
            }
        }
    }
}
