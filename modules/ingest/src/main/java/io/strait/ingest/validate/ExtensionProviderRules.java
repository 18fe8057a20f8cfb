package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.envoyproxy.envoy.type.v3.StatusCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Istio's {@code validateExtensionProvider} ({@code pkg/config/validation/agent/extensionprovider.go}): names unique
 * and not empty, and each provider's service ({@code host}, {@code ns/host} or an IP) and port, and an ext_authz
 * provider's {@code statusOnError} an HTTP status Envoy knows. istiod only logs what
 * it finds ("can be ignored if the given extension provider is not used"), so these are warnings here too.
 */
final class ExtensionProviderRules {
    private static final String PREFIX = "found invalid extension provider (can be ignored if the given extension provider is not used): ";
    /** Provider types whose service and port are checked; the value says whether Istio's port message has a prefix. */
    private static final java.util.Map<String, Boolean> SERVICE_TYPES = java.util.Map.ofEntries(
            java.util.Map.entry("envoyExtAuthzHttp", false), java.util.Map.entry("envoyExtAuthzGrpc", true),
            java.util.Map.entry("zipkin", true), java.util.Map.entry("lightstep", true), java.util.Map.entry("datadog", true),
            java.util.Map.entry("opencensus", true), java.util.Map.entry("skywalking", true),
            java.util.Map.entry("envoyOtelAls", false), java.util.Map.entry("opentelemetry", false),
            java.util.Map.entry("envoyHttpAls", false), java.util.Map.entry("envoyTcpAls", false));

    private ExtensionProviderRules() {
    }

    static void check(Report report, JsonNode providers) {
        Set<String> names = new HashSet<>();
        for (int i = 0; providers.isArray() && i < providers.size(); i++) {
            JsonNode p = providers.get(i);
            String path = "extensionProviders[" + i + "]";
            String name = p.path("name").asText("");
            if (name.isEmpty()) {
                report.warning(path + ".name", PREFIX + "empty extension provider name");
            } else if (!names.add(name)) {
                report.warning(path + ".name", PREFIX + "duplicate extension provider name " + name);
            }
            p.fieldNames().forEachRemaining(type -> {
                Boolean portPrefixed = SERVICE_TYPES.get(type);
                if (portPrefixed != null) {
                    for (String e : errors(p.get(type), portPrefixed, type)) {
                        report.warning(path + "." + type, PREFIX + e);
                    }
                }
            });
        }
    }

    private static List<String> errors(JsonNode provider, boolean portPrefixed, String type) {
        List<String> out = new ArrayList<>();
        String port = FieldForms.port(provider.path("port").asLong(0));
        if (port != null) {
            out.add(portPrefixed ? "invalid service port: " + port : port);
        }
        String service = service(provider.path("service").asText(""));
        if (service != null) {
            out.add(service);
        }
        if (type.equals("lightstep") && provider.path("accessToken").asText("").isEmpty()) {
            out.add("access token is required");
        }
        if (type.equals("opentelemetry") && provider.has("grpc") && provider.has("http")) {
            out.add("OpenTelemetryTracingProvider cannot specify both grpc and http");
        }
        if (type.startsWith("envoyExtAuthz")) {
            String status = statusOnError(provider.path("statusOnError").asText(""));
            if (status != null) {
                out.add(status);
            }
        }
        if (type.equals("envoyExtAuthzHttp")) {
            String prefix = provider.path("pathPrefix").asText("");
            if (!prefix.isEmpty() && !prefix.startsWith("/")) {
                out.add("pathPrefix should begin with `/` but found " + Report.q(prefix));
            }
        }
        return out;
    }

    /**
     * validateExtensionProviderEnvoyExtAuthzStatusOnError: an HTTP status Envoy's {@code StatusCode} names, in Go's
     * words (its {@code strconv} error, and the name table printed as Go prints a map: sorted by code).
     */
    static String statusOnError(String status) {
        if (status.isEmpty()) {
            return null;
        }
        long code;
        try {
            code = Long.parseLong(status);
        } catch (NumberFormatException e) {
            return "invalid statusOnError value " + status + ": strconv.ParseInt: parsing " + Report.q(status) + ": invalid syntax";
        }
        if (code < Integer.MIN_VALUE || code > Integer.MAX_VALUE) {
            return "invalid statusOnError value " + status + ": strconv.ParseInt: parsing " + Report.q(status) + ": value out of range";
        }
        StringBuilder names = new StringBuilder();
        boolean found = false;
        for (StatusCode c : java.util.Arrays.stream(StatusCode.values()).filter(c -> c != StatusCode.UNRECOGNIZED)
                .sorted(java.util.Comparator.comparingInt(StatusCode::getNumber)).toList()) {
            names.append(names.isEmpty() ? "" : " ").append(c.getNumber()).append(':').append(c.getValueDescriptor().getName());
            found |= c.getNumber() == code;
        }
        return found ? null : "unsupported statusOnError value " + status + ", supported values: map[" + names + "]";
    }

    /** validateExtensionProviderService. */
    private static String service(String service) {
        if (service.isEmpty()) {
            return "service must not be empty";
        }
        if (!service.contains("/")) {
            return HostForms.fqdn(service) != null && !HostForms.isIp(service)
                    ? "invalid service fmt " + service + ": " + HostForms.ipAddress(service) : null;
        }
        List<String> errors = HostForms.namespaceSlashHost(service, false);
        return errors.isEmpty() ? null : String.join("; ", errors);
    }
}
