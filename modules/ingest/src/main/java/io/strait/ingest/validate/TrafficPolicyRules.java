package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/**
 * Istio's rules of a traffic policy (DestinationRule, its subsets and ports; Sidecar inbound pools): at least one
 * setting, connection pool bounds and durations, outlier detection, load balancer hashing and warmup, client TLS,
 * tunnel and PROXY protocol. Locality settings are {@link LocalityRules}.
 */
final class TrafficPolicyRules {
    private TrafficPolicyRules() {
    }

    /** validateTrafficPolicy. */
    static void trafficPolicy(Report report, String path, JsonNode policy) {
        if (policy == null || !policy.isObject()) {
            return;
        }
        if (policy.isEmpty()) {
            report.error(path, "traffic policy must have at least one field");
            return;
        }
        if (policy.has("tunnel") && policy.has("proxyProtocol")) {
            report.error(path, "tunnel and proxyProtocol must not be set together");
            return;
        }
        outlierDetection(report, path + ".outlierDetection", policy.get("outlierDetection"));
        connectionPool(report, path + ".connectionPool", policy.get("connectionPool"));
        loadBalancer(report, path + ".loadBalancer", policy.get("loadBalancer"), policy.get("outlierDetection"));
        clientTls(report, path + ".tls", policy.get("tls"));
        JsonNode ports = policy.path("portLevelSettings");
        for (int i = 0; i < ports.size(); i++) {
            portPolicy(report, path + ".portLevelSettings[" + i + "]", ports.get(i));
        }
        tunnel(report, path + ".tunnel", policy.get("tunnel"));
    }

    /** validatePortTrafficPolicies, for one port. */
    private static void portPolicy(Report report, String path, JsonNode p) {
        if (p == null || !p.isObject()) {
            report.error(path, "traffic policy may not be null");
            return;
        }
        if (!p.has("port")) {
            report.error(path + ".port", "portTrafficPolicy must have valid port");
        }
        if (!p.has("outlierDetection") && !p.has("connectionPool") && !p.has("loadBalancer") && !p.has("tls")) {
            report.error(path, "port traffic policy must have at least one field");
            return;
        }
        outlierDetection(report, path + ".outlierDetection", p.get("outlierDetection"));
        connectionPool(report, path + ".connectionPool", p.get("connectionPool"));
        loadBalancer(report, path + ".loadBalancer", p.get("loadBalancer"), p.get("outlierDetection"));
        clientTls(report, path + ".tls", p.get("tls"));
    }

    /** validateConnectionPool: counts are never negative, durations are Istio durations. */
    static void connectionPool(Report report, String path, JsonNode pool) {
        if (pool == null || !pool.isObject()) {
            return;
        }
        if (!pool.has("http") && !pool.has("tcp")) {
            report.error(path, "connection pool must have at least one field");
            return;
        }
        JsonNode http = pool.get("http");
        if (http != null && http.isObject()) {
            String h = path + ".http";
            nonNegative(report, h + ".http1MaxPendingRequests", http, "http1 max pending requests must be non-negative");
            nonNegative(report, h + ".http2MaxRequests", http, "http2 max requests must be non-negative");
            nonNegative(report, h + ".maxRequestsPerConnection", http, "max requests per connection must be non-negative");
            nonNegative(report, h + ".maxRetries", http, "max retries must be non-negative");
            FieldForms.duration(report, h + ".idleTimeout", http.get("idleTimeout"));
            if ("UPGRADE".equals(http.path("h2UpgradePolicy").asText()) && http.path("useClientProtocol").asBoolean(false)) {
                report.error(h + ".useClientProtocol", "use client protocol must not be true when H2UpgradePolicy is UPGRADE");
            }
            nonNegative(report, h + ".maxConcurrentStreams", http, "max concurrent streams must be non-negative");
            JsonNode ka = http.get("http2KeepAlive");
            if (ka != null && ka.isObject()) {
                required(report, h + ".http2KeepAlive.interval", ka.get("interval"), "http2 keepalive interval is required");
                required(report, h + ".http2KeepAlive.timeout", ka.get("timeout"), "http2 keepalive timeout is required");
            }
        }
        JsonNode tcp = pool.get("tcp");
        if (tcp != null && tcp.isObject()) {
            String t = path + ".tcp";
            nonNegative(report, t + ".maxConnections", tcp, "max connections must be non-negative");
            FieldForms.duration(report, t + ".connectTimeout", tcp.get("connectTimeout"));
            FieldForms.duration(report, t + ".maxConnectionDuration", tcp.get("maxConnectionDuration"));
            if (!FieldForms.isZeroDuration(tcp.get("idleTimeout"))) { // 0s turns the idle timeout off
                FieldForms.duration(report, t + ".idleTimeout", tcp.get("idleTimeout"));
            }
            JsonNode ka = tcp.path("tcpKeepalive");
            FieldForms.duration(report, t + ".tcpKeepalive.time", ka.get("time"));
            FieldForms.duration(report, t + ".tcpKeepalive.interval", ka.get("interval"));
        }
    }

    private static void nonNegative(Report report, String path, JsonNode parent, String message) {
        String field = path.substring(path.lastIndexOf('.') + 1);
        JsonNode v = parent.get(field);
        if (v != null && v.isNumber() && v.asLong() < 0) {
            report.error(path, message);
        }
    }

    private static void required(Report report, String path, JsonNode duration, String message) {
        if (duration == null || duration.isNull()) {
            report.error(path, message);
        } else {
            FieldForms.duration(report, path, duration);
        }
    }

    /** validateOutlierDetection. */
    static void outlierDetection(Report report, String path, JsonNode od) {
        if (od == null || !od.isObject()) {
            return;
        }
        FieldForms.duration(report, path + ".baseEjectionTime", od.get("baseEjectionTime"));
        if (od.path("consecutiveErrors").asLong(0) != 0) {
            report.warning(path + ".consecutiveErrors", "outlier detection consecutive errors is deprecated, use "
                    + "consecutiveGatewayErrors or consecutive5xxErrors instead");
        }
        if (!od.path("splitExternalLocalOriginErrors").asBoolean(false) && od.path("consecutiveLocalOriginFailures").asLong(0) > 0) {
            report.error(path + ".consecutiveLocalOriginFailures", "outlier detection consecutive local origin failures is "
                    + "specified, but split external local origin errors is set to false");
        }
        FieldForms.duration(report, path + ".interval", od.get("interval"));
        // maxEjectionPercent and minHealthPercent in [0, 100]: DestinationRuleValidator.outlierDetection already says so
    }

    /** validateLoadBalancer. */
    static void loadBalancer(Report report, String path, JsonNode lb, JsonNode outlier) {
        if (lb == null || !lb.isObject()) {
            return;
        }
        JsonNode hash = lb.get("consistentHash");
        if (hash != null && hash.isObject()) {
            String h = path + ".consistentHash";
            JsonNode cookie = hash.get("httpCookie");
            if (cookie != null && cookie.isObject()) {
                // a cookie without a name: the schema's Required value
                Set<String> names = new HashSet<>();
                JsonNode attrs = cookie.path("attributes");
                for (int i = 0; i < attrs.size(); i++) {
                    String name = attrs.path(i).path("name").asText("");
                    if (!name.isEmpty() && !names.add(name)) {
                        report.error(h + ".httpCookie.attributes[" + i + "].name", "duplicate cookie attribute name: " + name);
                    }
                }
            }
            boolean ringSize = hash.path("minimumRingSize").asLong(0) != 0;
            if (ringSize) {
                report.warning(h + ".minimumRingSize", "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's "
                        + "RingHash configuration instead");
                if (hash.has("ringHash") || hash.has("maglev")) {
                    report.error(h, "only one of MinimumRingSize or Maglev/Ringhash can be specified");
                }
            }
            JsonNode maglev = hash.get("maglev");
            if (maglev != null && maglev.isObject()) {
                long size = maglev.path("tableSize").asLong(0);
                String p = h + ".maglev.tableSize";
                if (size == 0) {
                    report.error(p, "tableSize must be set for maglev");
                }
                if (size >= 5000011) {
                    report.error(p, "tableSize must be less than 5000011 for maglev");
                }
                if (!isPrime(size)) {
                    report.error(p, "tableSize must be a prime number for maglev");
                }
            }
        }
        if (lb.has("localityLbSetting") && lb.has("zoneAwareLbSetting")) {
            report.error(path, "only one of localityLbSetting and zoneAwareLbSetting can be set");
        }
        LocalityRules.localityLbSetting(report, path + ".localityLbSetting", lb.get("localityLbSetting"), outlier);
        LocalityRules.zoneAwareLbSetting(report, path + ".zoneAwareLbSetting", lb.get("zoneAwareLbSetting"), outlier);
        JsonNode warm = lb.get("warmup");
        if (warm != null && warm.isObject()) {
            // a missing duration, minimumPercent over 100 and aggression under 1: the CRD rules
            FieldForms.duration(report, path + ".warmup.duration", warm.get("duration"));
        }
    }

    /** Envoy's primality test, which Istio copies so that the two agree. */
    static boolean isPrime(long x) {
        if (x != 0 && x < 4) {
            return true;
        }
        if ((x & 1) == 0) {
            return false;
        }
        long limit = (long) Math.sqrt((double) x);
        for (long factor = 3; factor <= limit; factor += 2) {
            if (x % factor == 0) {
                return false;
            }
        }
        return true;
    }

    /** agent.ValidateTLS: client TLS of a destination. */
    static void clientTls(Report report, String path, JsonNode tls) {
        if (tls == null || !tls.isObject()) {
            return;
        }
        String mode = tls.path("mode").asText("DISABLE");
        String credential = FieldForms.text(tls, "credentialName");
        if (credential.startsWith("configmap://")) {
            String rest = credential.substring("configmap://".length());
            String[] parts = rest.split("/", -1);
            String ns = parts.length == 2 ? parts[0] : report.namespace();
            String name = parts.length == 2 ? parts[1] : parts[0];
            if (parts.length > 2 || name.isEmpty() || ns.isEmpty()) {
                report.error(path + ".credentialName", "invalid configmap:// credentialName: invalid resource name " + Report.q(credential));
            } else if (!ns.equals(report.namespace())) {
                report.error(path + ".credentialName", "invalid configmap:// credentialName: namespace must match the "
                        + "configuration namespace " + Report.q(report.namespace()));
            }
        }
        boolean ca = !FieldForms.text(tls, "caCertificates").isEmpty();
        boolean sans = tls.has("subjectAltNames");
        if (tls.path("insecureSkipVerify").asBoolean(false)) {
            if (mode.equals("SIMPLE") && (ca || !credential.isEmpty() || sans)) {
                report.error(path, "cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true");
            }
            if (mode.equals("MUTUAL") && (ca || sans)) {
                report.error(path, "cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true");
            }
        }
        if ((mode.equals("SIMPLE") || mode.equals("MUTUAL")) && !credential.isEmpty()) {
            if (!FieldForms.text(tls, "clientCertificate").isEmpty() || ca || !FieldForms.text(tls, "privateKey").isEmpty()
                    || !FieldForms.text(tls, "caCrl").isEmpty()) {
                report.error(path, "cannot specify client certificates or CA certificate or CA CRL If credentialName is set");
            }
        }
        // MUTUAL without a client certificate or key: DestinationRuleValidator.tls says so in one message
    }

    /** validateTunnelSettings. */
    private static void tunnel(Report report, String path, JsonNode tunnel) {
        if (tunnel == null || !tunnel.isObject()) {
            return;
        }
        String protocol = FieldForms.text(tunnel, "protocol");
        if (!protocol.isEmpty() && !protocol.equals("CONNECT") && !protocol.equals("POST")) {
            report.error(path + ".protocol", "tunnel protocol must be \"CONNECT\" or \"POST\"");
        }
        String host = FieldForms.text(tunnel, "targetHost");
        String fqdn = HostForms.fqdn(host);
        String ip = HostForms.ipAddress(host);
        if (!host.isEmpty() && fqdn != null && ip != null) {
            report.error(path + ".targetHost", "tunnel target host must be valid FQDN or IP address: " + fqdn + "; " + ip);
        }
        JsonNode port = tunnel.get("targetPort");
        if (port != null && port.isNumber() && FieldForms.port(port.asLong()) != null) {
            report.error(path + ".targetPort", "tunnel target port is invalid: " + FieldForms.port(port.asLong()));
        }
    }
}
