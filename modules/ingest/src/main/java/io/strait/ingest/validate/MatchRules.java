package io.strait.ingest.validate;

import static io.strait.ingest.validate.Report.q;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Istio's rules of the match conditions of routes ({@code validateHTTPRouteMatchRequest}, {@code validateTCPMatch},
 * {@code validateTLSMatch}): header names, empty prefix and regex matches, regex size, ports, source labels,
 * gateway names and source namespaces. {@link VirtualServiceValidator} already requires one alternative per match
 * and compiles regexes.
 */
final class MatchRules {
    private static final String JWT_CLAIM = "@request.auth.claims";

    private MatchRules() {
    }

    static void match(Report report, String path, JsonNode m) {
        if (m == null || !m.isObject()) {
            return;
        }
        headers(report, path + ".headers", m.path("headers"), "headers", false);
        headers(report, path + ".withoutHeaders", m.path("withoutHeaders"), "withoutHeaders", true);
        // an empty uri prefix is a match-all in Envoy; scheme, method and authority need a value
        stringMatch(report, path + ".uri", m.get("uri"), "uri", true);
        stringMatch(report, path + ".scheme", m.get("scheme"), "scheme", false);
        stringMatch(report, path + ".method", m.get("method"), "method", false);
        stringMatch(report, path + ".authority", m.get("authority"), "authority", false);
        for (Iterator<Map.Entry<String, JsonNode>> it = m.path("queryParams").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            stringMatch(report, path + ".queryParams." + e.getKey(), e.getValue(), "queryParams", false);
        }
        l4(report, path, m);
        String ns = FieldForms.text(m, "sourceNamespace");
        if (!ns.isEmpty() && !HostForms.isDns1123Label(ns)) {
            report.error(path + ".sourceNamespace", "sourceNamespace match " + ns + " is invalid");
        }
    }

    /** What HTTP, TCP and TLS matches share: port, source labels, gateway names. */
    static void l4(Report report, String path, JsonNode m) {
        long port = m.path("port").asLong(0);
        if (port != 0) {
            report.errorIf(path + ".port", FieldForms.port(port));
        }
        LabelForms.labels(report, path + ".sourceLabels", m.get("sourceLabels"));
        gatewayNames(report, path + ".gateways", m.path("gateways"));
    }

    /** TCP and TLS matches also name destination subnets. */
    static void subnets(Report report, String path, JsonNode m) {
        JsonNode subnets = m.path("destinationSubnets");
        for (int i = 0; i < subnets.size(); i++) {
            report.errorIf(path + ".destinationSubnets[" + i + "]", HostForms.ipSubnet(subnets.path(i).asText()));
        }
    }

    private static void headers(Report report, String path, JsonNode headers, String where, boolean without) {
        for (Iterator<Map.Entry<String, JsonNode>> it = headers.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = path + "." + e.getKey();
            report.errorIf(p, HttpRouteRules.headerNameOrClaim(e.getKey()));
            // in withoutHeaders, regex "*" is not a regex: it asks that the header is absent
            if (!(without && "*".equals(e.getValue().path("regex").asText(null)))) {
                stringMatch(report, p, e.getValue(), where, false);
            }
        }
    }

    /** validateStringMatch: a prefix or regex match that is set is not empty. */
    private static void stringMatch(Report report, String path, JsonNode sm, String where, boolean emptyPrefixAllowed) {
        if (sm == null || !sm.isObject()) {
            return;
        }
        if (!emptyPrefixAllowed && sm.has("prefix") && FieldForms.text(sm, "prefix").isEmpty()) {
            report.error(path + ".prefix", q(where) + ": prefix string match should not be empty");
        }
        if (sm.has("regex")) {
            String re = FieldForms.text(sm, "regex");
            if (re.isEmpty()) {
                report.error(path + ".regex", q(where) + ": regex string match should not be empty");
            } else {
                regexLength(report, path + ".regex", where, re);
            }
        }
    }

    /** Envoy refuses large RE2 programs; Istio bounds the expression's length. */
    static void regexLength(Report report, String path, String where, String re) {
        if (re.length() > 1024) {
            report.error(path, q(where) + ": regex is too large, max length allowed is 1024");
        }
    }

    /** validateGatewayNames: {@code namespace/name} of DNS labels, or the legacy {@code name.namespace} with a warning. */
    static void gatewayNames(Report report, String path, JsonNode names) {
        for (int i = 0; i < names.size(); i++) {
            String name = names.path(i).asText("");
            String p = path + "[" + i + "]";
            int slash = name.indexOf('/');
            if (slash < 0) {
                if (name.contains(".")) {
                    String[] parts = name.split("\\.");
                    String recommended = parts.length > 1 ? parts[1] + "/" + parts[0] : name;
                    report.warning(p, "using legacy gatewayName format " + q(name) + "; prefer the <namespace>/<name> format: " + q(recommended));
                }
                report.errorIf(p, HostForms.fqdn(name));
                return; // as Istio, which stops at the first name without a namespace
            }
            String ns = name.substring(0, slash);
            String gw = name.substring(slash + 1);
            if (ns.isEmpty() || gw.isEmpty()) {
                report.error(p, "config namespace and gateway name cannot be empty");
            }
            if (!HostForms.isDns1123Label(ns)) {
                report.error(p, "invalid value for namespace: " + q(ns));
            }
            if (!HostForms.isDns1123Label(gw)) {
                report.error(p, "invalid value for gateway name: " + q(gw));
            }
        }
    }

    /** jwt.ToRoutingClaim(...).Match: {@code @request.auth.claims.a.b} or {@code @request.auth.claims[a][b]}. */
    static boolean isJwtClaim(String header) {
        if (!header.toLowerCase(Locale.ROOT).startsWith(JWT_CLAIM)) {
            return false;
        }
        String name = header.substring(JWT_CLAIM.length());
        return (name.startsWith(".") && name.length() > 1) || (name.startsWith("[") && name.endsWith("]") && name.length() > 2);
    }
}
