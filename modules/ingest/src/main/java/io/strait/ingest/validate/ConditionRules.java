package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/**
 * The value forms of authorization rules (Istio's {@code pkg/config/security}): IPs and CIDRs, ports, service
 * accounts, trust domains, path templates, and the attributes a {@code when} condition may name.
 */
final class ConditionRules {
    private static final Pattern LITERAL = Pattern.compile("^[a-zA-Z0-9-._~%!$&'()+,;:@=]+$");

    private ConditionRules() {
    }

    /** A condition: a key, values or notValues, each valid for the attribute it names. */
    static void condition(Report report, String path, JsonNode c) {
        if (c == null || !c.isObject()) {
            return;
        }
        String key = FieldForms.text(c, "key");
        if (key.isEmpty()) {
            return; // the schema's Required value
        }
        if (c.path("values").isEmpty() && c.path("notValues").isEmpty()) {
            report.error(path, "at least one of `values` or `notValues` must be set for key " + key);
            return;
        }
        String values = attribute(key, c.path("values"));
        if (values != null) {
            report.error(path + ".values", "invalid `value` for `key` " + key + ": " + values);
        }
        String notValues = attribute(key, c.path("notValues"));
        if (notValues != null) {
            report.error(path + ".notValues", "invalid `notValue` for `key` " + key + ": " + notValues);
        }
    }

    /** security.ValidateAttribute: the message for values the attribute cannot take, or null. */
    private static String attribute(String key, JsonNode values) {
        if (FieldForms.hasEmpty(values)) {
            return "empty value not allowed, found in " + key;
        }
        if (key.startsWith("request.headers") || key.startsWith("request.auth.claims") || key.startsWith("experimental.envoy.filters.")) {
            return mapKey(key);
        }
        return switch (key) {
            case "source.ip", "remote.ip", "destination.ip" -> ipsError(values);
            case "source.serviceAccount" -> serviceAccounts(key, values);
            case "source.trustDomain" -> wildcardValues(key, values);
            case "destination.port" -> portsError(values);
            case "source.namespace", "source.principal", "request.auth.principal", "request.auth.audiences",
                 "request.auth.presenter", "connection.sni" -> null;
            case "destination.namespace" -> "attribute " + key + " is replaced by the metadata.namespace";
            case "destination.name", "destination.user" -> "deprecated attribute " + key + ": only supported in v1alpha1";
            default -> key.startsWith("destination.labels") ? "attribute " + key + " is replaced by the workload selector"
                    : "unknown attribute: " + key;
        };
    }

    private static String mapKey(String key) {
        int open = key.indexOf('[');
        return key.endsWith("]") && open > 0 && open < key.length() - 2 ? null : "bad key (" + key + "): should have format a[b]";
    }

    /** security.ValidateIPs, each bad entry at its index. */
    static void ips(Report report, String path, JsonNode ips) {
        for (int i = 0; i < ips.size(); i++) {
            report.errorIf(path + "[" + i + "]", ipError(ips.path(i).asText("")));
        }
    }

    private static String ipsError(JsonNode ips) {
        for (JsonNode ip : ips) {
            String err = ipError(ip.asText(""));
            if (err != null) {
                return err;
            }
        }
        return null;
    }

    private static String ipError(String v) {
        if (v.contains("/")) {
            return HostForms.isCidr(v) ? null : "bad CIDR range (" + v + "): netip.ParsePrefix(" + Report.q(v) + "): invalid prefix";
        }
        return HostForms.isIp(v) ? null : "bad IP address (" + v + ")";
    }

    /** security.ValidatePorts, each bad entry at its index. */
    static void ports(Report report, String path, JsonNode ports) {
        for (int i = 0; i < ports.size(); i++) {
            report.errorIf(path + "[" + i + "]", portError(ports.path(i).asText("")));
        }
    }

    private static String portsError(JsonNode ports) {
        for (JsonNode p : ports) {
            String err = portError(p.asText(""));
            if (err != null) {
                return err;
            }
        }
        return null;
    }

    private static String portError(String port) {
        if (!port.matches("[0-9]{1,10}")) {
            return "bad port (" + port + "): strconv.ParseUint: parsing " + Report.q(port) + ": invalid syntax";
        }
        return Long.parseLong(port) > 65535 ? "bad port (" + port + "): <nil>" : null;
    }

    /** security.CheckEmptyValues. */
    static void emptyValues(Report report, String path, JsonNode values, String name) {
        if (FieldForms.hasEmpty(values)) {
            report.error(path, "empty value not allowed, found in " + name);
        }
    }

    /** security.CheckServiceAccount: at most 16, {@code sa} or {@code ns/sa}, no wildcards, at most 320 characters. */
    static String serviceAccounts(String key, JsonNode values) {
        if (values.size() > 16) {
            return "may not have more than 16 values";
        }
        for (JsonNode n : values) {
            String v = n.asText("");
            String format = "expected format 'serviceAccount' or 'namespace/serviceAccount', found ";
            if (v.isEmpty()) {
                return "empty value not allowed, found in " + key;
            }
            if (v.contains("*")) {
                return "wildcard not allowed, found in " + key;
            }
            long slashes = v.chars().filter(c -> c == '/').count();
            if (slashes > 1) {
                return format + Report.q(v) + " in " + key;
            }
            if (v.length() > 320) {
                return "value cannot exceed 320 characters, found " + Report.q(v) + " in " + key;
            }
            if (slashes == 1 && v.startsWith("/")) {
                return format + "empty namespace " + Report.q(v) + " in " + key;
            }
            if (slashes == 1 && v.endsWith("/")) {
                return format + "empty serviceAccount " + Report.q(v) + " in " + key;
            }
        }
        return null;
    }

    /** security.CheckWildcardValues: one wildcard at most, at the start or the end. */
    private static String wildcardValues(String key, JsonNode values) {
        if (FieldForms.hasEmpty(values)) {
            return "empty value not allowed, found in " + key;
        }
        for (JsonNode n : values) {
            String v = n.asText();
            long stars = v.chars().filter(c -> c == '*').count();
            if (stars > 1) {
                return "at most one wildcard is allowed, found in " + key + ": " + Report.q(v);
            }
            if (stars == 1 && !v.equals("*") && !v.startsWith("*") && !v.endsWith("*")) {
                return "wildcard is only allowed at the start or end, found in " + key + ": " + Report.q(v);
            }
        }
        return null;
    }

    /** security.CheckTrustDomainValues. */
    static String trustDomains(String key, JsonNode values) {
        String err = wildcardValues(key, values);
        if (err != null) {
            return err;
        }
        for (JsonNode n : values) {
            if (n.asText().contains("/")) {
                return "trust domain must not contain '/', found in " + key + ": " + Report.q(n.asText());
            }
        }
        return null;
    }

    /** security.CheckValidPathTemplate: {@code {*}} segments, one {@code {**}} last, literals otherwise. */
    static String pathTemplates(String key, JsonNode paths) {
        for (JsonNode n : paths) {
            String path = n.asText("");
            boolean template = path.contains("{*}") || path.contains("{**}");
            String trimmed = path.replaceAll("^/+|/+$", "");
            boolean anySeen = false;
            for (String glob : trimmed.split("/", -1)) {
                if (glob.equals("{*}") && !anySeen) {
                    continue;
                }
                if (glob.equals("{**}") && !anySeen) {
                    anySeen = true;
                    continue;
                }
                if (glob.equals("{**}") || glob.equals("{*}")) {
                    return "invalid or unsupported path " + trimmed + ", found in " + key + ". {**} is not the last operator";
                }
                if (glob.contains("{") || glob.contains("}")) {
                    return "invalid or unsupported path " + trimmed + ", found in " + key + ". Contains '{' or '}' beyond a supported path template";
                }
                if (template && !LITERAL.matcher(glob).matches()) {
                    return "invalid or unsupported path " + trimmed + ", found in " + key + ". Contains segment " + glob
                            + " with invalid string literal";
                }
            }
        }
        return null;
    }
}
