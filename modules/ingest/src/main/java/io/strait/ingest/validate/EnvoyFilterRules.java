package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Istio's rules of an EnvoyFilter ({@code validateEnvoyFilter}): each patch says what it applies to, how, and with
 * what value; its match fits the object class it patches; proxy version matches compile; deprecated filter names
 * are warned of; the value is the Envoy object it patches ({@link EnvoyPatchValues}), checked as Istio does only
 * when no earlier rule of the patch stopped it.
 */
final class EnvoyFilterRules {
    private static final Set<String> LISTENER_CLASS = Set.of("LISTENER", "FILTER_CHAIN", "NETWORK_FILTER", "HTTP_FILTER");
    private static final Set<String> ROUTE_CLASS = Set.of("ROUTE_CONFIGURATION", "VIRTUAL_HOST", "HTTP_ROUTE");
    private static final Set<String> MATCH_TYPES = Set.of("listener", "routeConfiguration", "cluster", "waypoint");
    /**
     * Envoy's deprecated filter names and their replacements (Istio's xds.DeprecatedFilterNames, reversed; where two
     * filters shared an old name, envoy.ext_authz, the HTTP filter is named).
     */
    private static final Map<String, String> DEPRECATED_NAMES = Map.ofEntries(
            Map.entry("envoy.buffer", "envoy.filters.http.buffer"),
            Map.entry("envoy.cors", "envoy.filters.http.cors"),
            Map.entry("envoy.csrf", "envoy.filters.http.csrf"),
            Map.entry("envoy.http_dynamo_filter", "envoy.filters.http.dynamo"),
            Map.entry("envoy.ext_authz", "envoy.filters.http.ext_authz"),
            Map.entry("envoy.fault", "envoy.filters.http.fault"),
            Map.entry("envoy.grpc_http1_bridge", "envoy.filters.http.grpc_http1_bridge"),
            Map.entry("envoy.grpc_json_transcoder", "envoy.filters.http.grpc_json_transcoder"),
            Map.entry("envoy.grpc_web", "envoy.filters.http.grpc_web"),
            Map.entry("envoy.gzip", "envoy.filters.http.gzip"),
            Map.entry("envoy.health_check", "envoy.filters.http.health_check"),
            Map.entry("envoy.ip_tagging", "envoy.filters.http.ip_tagging"),
            Map.entry("envoy.lua", "envoy.filters.http.lua"),
            Map.entry("envoy.rate_limit", "envoy.filters.http.ratelimit"),
            Map.entry("envoy.router", "envoy.filters.http.router"),
            Map.entry("envoy.squash", "envoy.filters.http.squash"),
            Map.entry("envoy.listener.http_inspector", "envoy.filters.listener.http_inspector"),
            Map.entry("envoy.listener.original_dst", "envoy.filters.listener.original_dst"),
            Map.entry("envoy.listener.original_src", "envoy.filters.listener.original_src"),
            Map.entry("envoy.listener.proxy_protocol", "envoy.filters.listener.proxy_protocol"),
            Map.entry("envoy.listener.tls_inspector", "envoy.filters.listener.tls_inspector"),
            Map.entry("envoy.client_ssl_auth", "envoy.filters.network.client_ssl_auth"),
            Map.entry("envoy.http_connection_manager", "envoy.filters.network.http_connection_manager"),
            Map.entry("envoy.mongo_proxy", "envoy.filters.network.mongo_proxy"),
            Map.entry("envoy.ratelimit", "envoy.filters.network.ratelimit"),
            Map.entry("envoy.redis_proxy", "envoy.filters.network.redis_proxy"),
            Map.entry("envoy.tcp_proxy", "envoy.filters.network.tcp_proxy"));
    private static final String HCM = "envoy.filters.network.http_connection_manager";

    private EnvoyFilterRules() {
    }

    /**
     * Checks an EnvoyFilter's spec. {@code envoyTypes} is asked for only when a patch value is to be checked, so a
     * revision without one never builds the registry.
     */
    static void check(Report report, JsonNode spec, Supplier<EnvoyTypes> envoyTypes) {
        LabelForms.selector(report, "spec.workloadSelector", spec.get("workloadSelector"), "labels", "Envoy filter: ",
                ", will be applied to all services in namespace", true);
        JsonNode patches = spec.path("configPatches");
        for (int i = 0; i < patches.size(); i++) {
            String path = "spec.configPatches[" + i + "]";
            JsonNode cp = patches.get(i);
            if (patch(report, path, cp)) {
                JsonNode value = cp.path("patch").get("value");
                if (value != null && !value.isNull()) { // a REMOVE without a value: nothing to build
                    new EnvoyPatchValues(envoyTypes.get()).check(report, path + ".patch.value", cp.path("applyTo").asText(), value);
                }
            }
        }
    }

    /** The rules before the value's; false where Istio stops at one (its {@code continue}) and leaves the value unchecked. */
    private static boolean patch(Report report, String path, JsonNode cp) {
        if (cp == null || !cp.isObject()) {
            report.error(path, "Envoy filter: null config patch");
            return false;
        }
        JsonNode match = cp.path("match");
        if ("WAYPOINT".equals(match.path("context").asText())) {
            return false; // Istio does not validate waypoint patches yet
        }
        String applyTo = cp.path("applyTo").asText("INVALID");
        if (applyTo.equals("INVALID")) {
            report.error(path + ".applyTo", "Envoy filter: missing applyTo");
            return false;
        }
        JsonNode patch = cp.get("patch");
        if (patch == null || !patch.isObject()) {
            report.error(path + ".patch", "Envoy filter: missing patch");
            return false;
        }
        String operation = patch.path("operation").asText("INVALID");
        if (operation.equals("INVALID")) {
            report.error(path + ".patch.operation", "Envoy filter: missing patch operation");
            return false;
        }
        if (!operation.equals("REMOVE") && (!patch.has("value") || patch.get("value").isNull())) {
            report.error(path + ".patch.value", "Envoy filter: missing patch value for non-remove operation");
            return false;
        }
        String version = match.path("proxy").path("proxyVersion").asText("");
        if (version.length() > 1024) {
            report.warning(path + ".match.proxy.proxyVersion", "Envoy filter: proxyVersion match exceeds 1024 characters and will be ignored");
        } else if (!version.isEmpty()) {
            try {
                Pattern.compile(version);
            } catch (PatternSyntaxException e) {
                report.error(path + ".match.proxy.proxyVersion", "Envoy filter: invalid regex for proxy version, [" + e.getDescription() + "]");
                return false;
            }
        }
        boolean typed = MATCH_TYPES.stream().anyMatch(match::has);
        if (!typed) {
            return true;
        }
        if (LISTENER_CLASS.contains(applyTo)) {
            return listenerMatch(report, path + ".match", match, applyTo);
        } else if (ROUTE_CLASS.contains(applyTo) && !match.has("routeConfiguration")) {
            report.error(path + ".match", "Envoy filter: applyTo for http route class objects cannot have non route configuration match");
        } else if (applyTo.equals("CLUSTER") && !match.has("cluster")) {
            report.error(path + ".match", "Envoy filter: applyTo for cluster class objects cannot have non cluster match");
        }
        return true;
    }

    /** The listener-class match rules; false where Istio stops. */
    private static boolean listenerMatch(Report report, String path, JsonNode match, String applyTo) {
        if (!match.has("listener")) {
            report.error(path, "Envoy filter: applyTo for listener class objects cannot have non listener match");
            return false;
        }
        JsonNode filter = match.path("listener").path("filterChain").get("filter");
        if (filter == null || !filter.isObject()) {
            return true;
        }
        String p = path + ".listener.filterChain.filter";
        if (applyTo.equals("LISTENER") || applyTo.equals("FILTER_CHAIN")) {
            report.warning(p, "Envoy filter: filter match has no effect when used with " + applyTo);
        }
        String name = FieldForms.text(filter, "name");
        if (name.isEmpty()) {
            report.error(p + ".name", "Envoy filter: filter match has no name to match on");
            return false;
        }
        JsonNode sub = filter.get("subFilter");
        if (sub != null && sub.isObject()) {
            if (!applyTo.equals("HTTP_FILTER")) {
                report.error(p + ".subFilter", "Envoy filter: subfilter match can be used with applyTo HTTP_FILTER only");
                return false;
            }
            if (!name.equals(HCM) && !name.equals("envoy.http_connection_manager")) {
                report.error(p + ".subFilter", "Envoy filter: subfilter match requires filter match with " + HCM);
                return false;
            }
            if (FieldForms.text(sub, "name").isEmpty()) {
                report.error(p + ".subFilter.name", "Envoy filter: subfilter match has no name to match on");
                return false;
            }
        }
        deprecatedName(report, p + ".name", name);
        deprecatedName(report, p + ".subFilter.name", FieldForms.text(sub, "name"));
        return true;
    }

    private static void deprecatedName(Report report, String path, String name) {
        String replacement = DEPRECATED_NAMES.get(name);
        if (replacement != null) {
            report.warning(path, "using deprecated filter name " + Report.q(name) + "; use " + Report.q(replacement) + " instead");
        }
    }
}
