package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.MeshConfig;
import java.math.BigDecimal;

/**
 * Istio's {@code ValidateMeshConfig} ({@code pkg/config/validation/agent/validation.go}) over a MeshConfig document,
 * with Istio's messages at the field they are about. Istio validates the config merged over its defaults; the
 * defaults are valid, so checking what the document writes is the same. Extension providers are
 * {@link ExtensionProviderRules}' (warnings, as istiod only logs them).
 *
 * <p>Beyond Istio: {@code defaultHttpRetryPolicy} is checked as a VirtualService's {@code retries} is
 * ({@code ValidateHTTPRetry}), since Strait puts it on every route that sets none — istiod reads it unchecked.
 */
final class MeshConfigValidator implements ResourceValidator {
    private static final BigDecimal MILLI = BigDecimal.valueOf(1_000_000L);
    private static final BigDecimal SECOND = BigDecimal.valueOf(1_000_000_000L);
    private static final BigDecimal HOUR = BigDecimal.valueOf(3_600_000_000_000L);
    /** security.ValidECDHCurves: the curves Envoy (BoringSSL) knows, which tlsDefaults.ecdhCurves may name. */
    private static final java.util.Set<String> ECDH_CURVES = java.util.Set.of("P-224", "P-256", "P-521", "P-384", "X25519",
            "X25519Kyber768Draft00", "X25519MLKEM768");

    @Override
    public void validate(LoadedResource resource, Findings findings) {
        Report report = new Report(resource, findings);
        JsonNode mesh = ((MeshConfig) resource.resource().spec()).tree();
        port(report, "proxyListenPort", mesh.get("proxyListenPort"), "invalid proxy listen port: ");
        connectTimeout(report, mesh.get("connectTimeout"));
        protocolDetectionTimeout(report, mesh.get("protocolDetectionTimeout"));
        if (mesh.has("defaultConfig")) {
            proxyConfig(report, "defaultConfig", mesh.get("defaultConfig"));
        }
        // Istio passes an empty outlier detection at the mesh level: failover there needs none
        LocalityRules.localityLbSetting(report, "localityLbSetting", mesh.get("localityLbSetting"),
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
        LocalityRules.zoneAwareLbSetting(report, "zoneAwareLbSetting", mesh.get("zoneAwareLbSetting"),
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
        serviceSettings(report, mesh.path("serviceSettings"));
        trustDomains(report, mesh);
        ExtensionProviderRules.check(report, mesh.path("extensionProviders"));
        if (mesh.path("meshMTLS").has("ecdhCurves")) {
            report.error("meshMTLS.ecdhCurves", "mesh TLS does not support ECDH curves configuration");
        }
        tlsDefaults(report, mesh.path("tlsDefaults").path("ecdhCurves"));
        defaultTrafficPolicy(report, mesh.get("defaultTrafficPolicy"));
        inboundRetry(report, mesh.get("defaultInboundHttpRetryPolicy"));
        HttpRouteRules.retries(report, "defaultHttpRetryPolicy", mesh.get("defaultHttpRetryPolicy"));
        MeshNetworksRules.check(report, mesh.get("meshNetworks"));
    }

    /** ValidatePort, with Istio's prefix; an absent port takes Istio's (valid) default. */
    private static void port(Report report, String path, JsonNode port, String prefix) {
        if (port != null && port.isIntegralNumber()) {
            String error = FieldForms.port(port.asLong());
            if (error != null) {
                report.error(path, prefix + error);
            }
        }
    }

    /** ValidateConnectTimeout: a duration of at least 1ms, to the millisecond, and at most an hour. */
    private static void connectTimeout(Report report, JsonNode timeout) {
        String error = FieldForms.durationError(timeout);
        if (error == null && timeout != null && timeout.isTextual()) {
            BigDecimal n = FieldForms.nanos(timeout.asText());
            if (n != null && n.compareTo(HOUR) > 0) {
                error = "time " + timeout.asText() + " must be >1ms and <1h0m0s";
            }
        }
        if (error != null) {
            report.error("connectTimeout", "invalid connect timeout: " + error);
        }
    }

    /** ValidateProtocolDetectionTimeout: 0s (off) or a whole number of milliseconds. */
    private static void protocolDetectionTimeout(Report report, JsonNode timeout) {
        BigDecimal n = timeout != null && timeout.isTextual() ? FieldForms.nanos(timeout.asText()) : null;
        if (n != null && n.signum() != 0 && n.remainder(MILLI).signum() != 0) {
            report.error("protocolDetectionTimeout", "invalid protocol detection timeout: only durations to ms precision are supported");
        }
    }

    /** ValidateMeshConfigProxyConfig, for the fields a document writes (Istio merges it over DefaultProxyConfig). */
    private static void proxyConfig(Report report, String path, JsonNode pc) {
        if (!pc.isObject()) {
            return;
        }
        emptyText(report, path + ".configPath", pc.get("configPath"), "config path must be set");
        emptyText(report, path + ".binaryPath", pc.get("binaryPath"), "binary path must be set");
        emptyText(report, path + ".serviceCluster", pc.get("serviceCluster"), "service cluster must be specified");
        drainDuration(report, path + ".drainDuration", pc.get("drainDuration"));
        JsonNode discovery = pc.get("discoveryAddress");
        if (discovery != null && discovery.isTextual()) {
            if (discovery.asText().isEmpty()) {
                report.error(path + ".discoveryAddress", "discovery address must be set to the proxy discovery service");
            } else {
                report.errorIf(path + ".discoveryAddress", prefixed("invalid discovery address: ", proxyAddress(discovery.asText())));
            }
        }
        JsonNode tracing = pc.path("tracing");
        JsonNode lightstep = tracing.get("lightstep");
        if (lightstep != null && lightstep.isObject()) {
            String address = lightstep.path("address").asText("");
            if (address.isEmpty()) {
                report.error(path + ".tracing.lightstep.address", "invalid lightstep config: address is required");
            }
            report.errorIf(path + ".tracing.lightstep.address", prefixed("invalid lightstep config: invalid lightstep address: ", proxyAddress(address)));
            if (lightstep.path("accessToken").asText("").isEmpty()) {
                report.error(path + ".tracing.lightstep.accessToken", "invalid lightstep config: access token is required");
            }
        }
        for (String tracer : new String[] {"zipkin", "datadog"}) {
            JsonNode t = tracing.get(tracer);
            if (t != null && t.isObject()) {
                String address = t.path("address").asText("").replaceFirst("\\$\\(HOST_IP\\)", "127.0.0.1");
                report.errorIf(path + ".tracing." + tracer + ".address", prefixed("invalid " + tracer + " config: ", proxyAddress(address)));
            }
        }
        address(report, path + ".statsdUdpAddress", pc.get("statsdUdpAddress"), "invalid statsd udp address ");
        address(report, path + ".envoyMetricsServiceAddress", pc.get("envoyMetricsServiceAddress"), "invalid envoy metrics service address ");
        address(report, path + ".envoyMetricsService.address", pc.path("envoyMetricsService").get("address"), "invalid envoy metrics service address ");
        address(report, path + ".envoyAccessLogService.address", pc.path("envoyAccessLogService").get("address"), "invalid envoy access log service address ");
        if (pc.path("proxyMetadata").has("ISTIO_META_DNS_AUTO_ALLOCATE")) {
            report.warning(path + ".proxyMetadata.ISTIO_META_DNS_AUTO_ALLOCATE", "'ISTIO_META_DNS_AUTO_ALLOCATE' is deprecated; review "
                    + "https://istio.io/latest/docs/ops/configuration/traffic-management/dns-proxy/#dns-auto-allocation-v2 for "
                    + "information about replacement functionality");
        }
        port(report, path + ".proxyAdminPort", pc.get("proxyAdminPort"), "invalid proxy admin port: ");
        if ("INHERIT".equals(pc.path("controlPlaneAuthPolicy").asText())) {
            report.error(path + ".controlPlaneAuthPolicy", "invalid authentication policy: unrecognized control plane auth policy \"INHERIT\"");
        }
        port(report, path + ".statusPort", pc.get("statusPort"), "invalid status port: ");
        privateKeyProvider(report, path + ".privateKeyProvider", pc.get("privateKeyProvider"));
        connectionSettings(report, path + ".connectionSettings", pc.get("connectionSettings"));
    }

    /** validatePrivateKeyProvider: one provider, with a poll delay that is not zero. */
    private static void privateKeyProvider(Report report, String path, JsonNode pkp) {
        if (pkp == null || !pkp.isObject()) {
            return;
        }
        String prefix = "invalid private key provider configuration: ";
        JsonNode provider = pkp.has("cryptomb") ? pkp.get("cryptomb") : pkp.get("qat");
        if (provider == null) {
            report.error(path, prefix + "private key provider configuration is required");
            report.error(path, prefix + "unknown private key provider");
            return;
        }
        String at = path + (pkp.has("cryptomb") ? ".cryptomb" : ".qat");
        JsonNode delay = provider.get("pollDelay");
        if (delay == null || delay.isNull()) {
            report.error(at + ".pollDelay", prefix + "pollDelay is required");
        } else if (FieldForms.isZeroDuration(delay)) {
            report.error(at + ".pollDelay", prefix + "pollDelay must be non zero");
        }
    }

    /** validateConnectionSettings: buffer limits not negative, stream and connection limits positive, windows ≥ 64 KiB. */
    private static void connectionSettings(Report report, String path, JsonNode cs) {
        if (cs == null || !cs.isObject()) {
            return;
        }
        String prefix = "invalid connection settings: ";
        atLeast(report, path, cs, "listenerPerConnectionBufferLimitBytes", 0, prefix + "listener_per_connection_buffer_limit_bytes must be non-negative");
        atLeast(report, path, cs, "clusterPerConnectionBufferLimitBytes", 0, prefix + "cluster_per_connection_buffer_limit_bytes must be non-negative");
        atLeast(report, path, cs, "httpMaxConcurrentStreams", 1, prefix + "http_max_concurrent_streams must be positive");
        atLeast(report, path, cs, "http2InitialStreamWindowSize", 65535, prefix + "http2_initial_stream_window_size must be at least 65535");
        atLeast(report, path, cs, "http2InitialConnectionWindowSize", 65535, prefix + "http2_initial_connection_window_size must be at least 65535");
        atLeast(report, path, cs, "listenerConnectionLimit", 1, prefix + "listener_connection_limit must be positive");
        atLeast(report, path, cs, "globalDownstreamConnectionLimit", 1, prefix + "global_downstream_connection_limit must be positive");
        // the durations cannot be negative here: the schema admits no negative duration
    }

    private static void atLeast(Report report, String path, JsonNode parent, String field, long min, String message) {
        JsonNode v = parent.get(field);
        if (v != null && v.isIntegralNumber() && v.asLong() < min) {
            report.error(path + "." + field, message);
        }
    }

    private static void emptyText(Report report, String path, JsonNode v, String message) {
        if (v != null && v.isTextual() && v.asText().isEmpty()) {
            report.error(path, message);
        }
    }

    /** ValidateDrainDuration: an Istio duration, in whole seconds. */
    private static void drainDuration(Report report, String path, JsonNode d) {
        String error = FieldForms.durationError(d);
        if (error != null) {
            report.error(path, "invalid drain duration: " + error);
        } else if (d != null && d.isTextual()) {
            BigDecimal n = FieldForms.nanos(d.asText());
            if (n != null && n.remainder(SECOND).signum() != 0) {
                report.error(path, "drain time only supports durations to seconds precision");
            }
        }
    }

    private static void address(Report report, String path, JsonNode v, String prefix) {
        if (v != null && v.isTextual() && !v.asText().isEmpty()) {
            report.errorIf(path, prefixed(prefix + Report.q(v.asText()) + ": ", proxyAddress(v.asText())));
        }
    }

    private static String prefixed(String prefix, String error) {
        return error == null ? null : prefix + error;
    }

    /** ValidateProxyAddress: {@code host:port}, the host an FQDN or an IP address, the port in 1..65535. */
    static String proxyAddress(String hostAddr) {
        String host;
        String port;
        if (hostAddr.startsWith("[")) {
            int close = hostAddr.indexOf(']');
            if (close < 0 || close + 1 >= hostAddr.length() || hostAddr.charAt(close + 1) != ':') {
                return "unable to split " + Report.q(hostAddr) + ": address " + hostAddr + ": missing port in address";
            }
            host = hostAddr.substring(1, close);
            port = hostAddr.substring(close + 2);
        } else {
            int colon = hostAddr.lastIndexOf(':');
            if (colon < 0) {
                return "unable to split " + Report.q(hostAddr) + ": address " + hostAddr + ": missing port in address";
            }
            host = hostAddr.substring(0, colon);
            port = hostAddr.substring(colon + 1);
            if (host.contains(":")) {
                return "unable to split " + Report.q(hostAddr) + ": address " + hostAddr + ": too many colons in address";
            }
        }
        long p;
        try {
            p = Long.parseLong(port);
        } catch (NumberFormatException e) {
            return "port (" + port + ") is not a number: strconv.Atoi: parsing " + Report.q(port) + ": invalid syntax";
        }
        String portError = FieldForms.port(p);
        if (portError != null) {
            return portError;
        }
        if (HostForms.fqdn(host) != null && !HostForms.isIp(host)) {
            return Report.q(host) + " is not a valid hostname or an IP address";
        }
        return null;
    }

    /** validateServiceSettings: every host a wildcard domain. */
    private static void serviceSettings(Report report, JsonNode settings) {
        for (int i = 0; settings.isArray() && i < settings.size(); i++) {
            JsonNode hosts = settings.get(i).path("hosts");
            for (int j = 0; hosts.isArray() && j < hosts.size(); j++) {
                String h = hosts.get(j).asText("");
                String error = HostForms.wildcardDomain(h);
                if (error != null) {
                    report.error("serviceSettings[" + i + "].hosts[" + j + "]", "serviceSettings[" + i + "], host `" + h + "`: " + error);
                }
            }
        }
    }

    /** validateTrustDomainConfig: the trust domain and each alias DNS-1123 labels (a trailing dot allowed). */
    private static void trustDomains(Report report, JsonNode mesh) {
        JsonNode td = mesh.get("trustDomain");
        if (td != null && td.isTextual()) {
            report.errorIf("trustDomain", prefixed("trustDomain: ", trustDomain(td.asText())));
        }
        JsonNode aliases = mesh.path("trustDomainAliases");
        for (int i = 0; aliases.isArray() && i < aliases.size(); i++) {
            String a = aliases.get(i).asText("");
            report.errorIf("trustDomainAliases[" + i + "]", prefixed("trustDomainAliases[" + i + "], domain `" + a + "` : ", trustDomain(a)));
        }
    }

    /** ValidateTrustDomain. */
    static String trustDomain(String domain) {
        if (domain.isEmpty()) {
            return "empty domain name not allowed";
        }
        String[] parts = domain.split("\\.", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i == parts.length - 1 && parts[i].isEmpty()) {
                return null;
            }
            if (!parts[i].matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || parts[i].length() > 63) {
                return "trust domain name " + Report.q(domain) + " invalid";
            }
        }
        return null;
    }

    /** ValidateMeshTLSDefaults: warnings for curves Envoy does not know and for curves named twice (IsValidECDHCurve). */
    private static void tlsDefaults(Report report, JsonNode curves) {
        java.util.SortedSet<String> unknown = new java.util.TreeSet<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        java.util.SortedSet<String> twice = new java.util.TreeSet<>();
        for (JsonNode c : curves) {
            String curve = c.asText("");
            if (!curve.isEmpty() && !ECDH_CURVES.contains(curve)) {
                unknown.add(curve);
            } else if (!seen.add(curve)) {
                twice.add(curve);
            }
        }
        if (!unknown.isEmpty()) {
            report.warning("tlsDefaults.ecdhCurves", "detected unrecognized ECDH curves: [" + String.join(" ", unknown) + "]");
        }
        if (!twice.isEmpty()) {
            report.warning("tlsDefaults.ecdhCurves", "detected duplicate ECDH curves: [" + String.join(" ", twice) + "]");
        }
    }

    /** validateMeshConfigDefaultTrafficPolicy: the connection pool and outlier detection rules of a DestinationRule. */
    private static void defaultTrafficPolicy(Report report, JsonNode dtp) {
        if (dtp == null || !dtp.isObject()) {
            return;
        }
        TrafficPolicyRules.connectionPool(report, "defaultTrafficPolicy.connectionPool", dtp.get("connectionPool"));
        JsonNode od = dtp.get("outlierDetection");
        TrafficPolicyRules.outlierDetection(report, "defaultTrafficPolicy.outlierDetection", od);
        if (od != null && od.isObject()) {
            for (String f : new String[] {"maxEjectionPercent", "minHealthPercent"}) {
                long v = od.path(f).asLong(0);
                if (v < 0 || v > 100) {
                    report.error("defaultTrafficPolicy.outlierDetection." + f, "percentage " + v + " is not in range 0..100");
                }
            }
        }
    }

    /** validateMeshConfigDefaultInboundHTTPRetryPolicy: ValidateHTTPRetry, no backoff when off, ignored fields warned. */
    private static void inboundRetry(Report report, JsonNode retry) {
        if (retry == null || !retry.isObject()) {
            return;
        }
        String path = "defaultInboundHttpRetryPolicy";
        HttpRouteRules.retries(report, path, retry);
        if (retry.path("attempts").asLong(0) == 0 && retry.has("backoff")) {
            report.error(path + ".backoff", "invalid default inbound http retry policy: backoff configured when attempts are set to 0 (disabled)");
        }
        for (String ignored : new String[] {"perTryTimeout", "retryRemoteLocalities", "retryIgnorePreviousHosts"}) {
            if (retry.has(ignored)) {
                report.warning(path + "." + ignored, ignored + " is ignored by the default inbound http retry policy");
            }
        }
    }
}
