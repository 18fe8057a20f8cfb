package io.strait.model.istio;

import java.util.List;
import java.util.Map;

/**
 * {@code networking.istio.io/Gateway}: the ports, hosts and TLS settings of the gateway proxies its selector picks
 * (in any namespace, as Istio does by default). VirtualServices bind to it by naming it in {@code gateways}. The
 * record carries what the translator reads; the schema validates the rest, reported as not translated yet.
 */
public record Gateway(Map<String, String> selector, List<Server> servers) implements Spec {
    public Gateway {
        selector = Lists.copy(selector);
        servers = Lists.copy(servers);
    }

    /**
     * One server: a port, the hosts it serves ({@code [namespace/]dnsName}, wildcards allowed) and how it
     * terminates TLS. {@code name} names its route configuration when it terminates TLS.
     */
    public record Server(ServiceEntry.ServicePort port, List<String> hosts, ServerTls tls, String name) {
        public Server {
            hosts = Lists.copy(hosts);
        }

        /** The hosts without their namespace part ({@code prod/*.example.com} → {@code *.example.com}). */
        public List<String> dnsNames() {
            return hosts.stream().filter(java.util.Objects::nonNull).map(h -> h.contains("/") ? h.substring(h.indexOf('/') + 1) : h).toList();
        }

        /** Whether this server terminates TLS itself (SIMPLE, MUTUAL, OPTIONAL_MUTUAL). */
        public boolean terminatesTls() {
            return tls != null && tls.mode() != null
                    && List.of("SIMPLE", "MUTUAL", "OPTIONAL_MUTUAL").contains(tls.mode());
        }
    }

    /**
     * TLS of a server: the certificate from an SDS secret ({@code credentialName}) or from files on the gateway
     * ({@code serverCertificate}, {@code privateKey}, {@code caCertificates}), whether clients must present one
     * (MUTUAL), and whether plain-text requests are redirected to HTTPS.
     */
    public record ServerTls(Boolean httpsRedirect, String mode, String credentialName, String serverCertificate,
                            String privateKey, String caCertificates, String minProtocolVersion,
                            String maxProtocolVersion) {
        /** Whether clients must present a certificate. */
        public boolean mutual() {
            return "MUTUAL".equals(mode);
        }
    }
}
