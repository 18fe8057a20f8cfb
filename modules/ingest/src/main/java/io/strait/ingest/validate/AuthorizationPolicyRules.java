package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Istio's rules of an AuthorizationPolicy ({@code ValidateAuthorizationPolicy}) beyond {@link SecurityValidators}:
 * what each action needs and allows, non-empty sources and operations, IPs and CIDRs, ports, service accounts,
 * trust domains, path templates, {@code when} conditions ({@link ConditionRules}), and the warning for a DENY rule
 * of HTTP attributes only.
 */
final class AuthorizationPolicyRules {
    private static final List<String> SOURCE_FIELDS = List.of("principals", "notPrincipals", "requestPrincipals",
            "notRequestPrincipals", "namespaces", "notNamespaces", "ipBlocks", "notIpBlocks", "remoteIpBlocks",
            "notRemoteIpBlocks", "serviceAccounts", "notServiceAccounts", "trustDomains", "notTrustDomains");
    /** What a CUSTOM action cannot match on: identities its external authorizer does not see. */
    private static final List<String> NOT_WITH_CUSTOM = List.of("namespaces", "notNamespaces", "serviceAccounts",
            "notServiceAccounts", "trustDomains", "notTrustDomains", "principals", "notPrincipals", "requestPrincipals",
            "notRequestPrincipals");
    /** Source fields that a TCP connection carries: a DENY rule of these still applies to TCP ports. */
    private static final List<String> TCP_SOURCE_FIELDS = List.of("principals", "notPrincipals", "ipBlocks", "notIpBlocks",
            "namespaces", "notNamespaces", "remoteIpBlocks", "notRemoteIpBlocks", "serviceAccounts", "notServiceAccounts");
    private static final List<String> OPERATION_FIELDS = List.of("ports", "methods", "paths", "hosts", "notPorts",
            "notMethods", "notPaths", "notHosts");

    private AuthorizationPolicyRules() {
    }

    static void check(Report report, JsonNode spec) {
        LabelForms.selector(report, "spec.selector", spec.get("selector"), "matchLabels", "", "", false);
        FieldForms.targetRefs(report, spec);
        String action = spec.path("action").asText("ALLOW");
        JsonNode rules = spec.get("rules");
        boolean noRules = rules == null || rules.isNull() || rules.isEmpty();
        if (action.equals("CUSTOM") && noRules) {
            report.error("spec.rules", "CUSTOM action without `rules` is meaningless as it will never be triggered, "
                    + "add an empty rule `{}` if you want it be triggered for every request");
        }
        // CUSTOM with rules and no provider name: SecurityValidators.authorizationPolicy
        if (spec.has("provider") && !action.equals("CUSTOM")) {
            report.error("spec.provider", "`provider` must not be with non CUSTOM action, found " + action);
        }
        if (action.equals("DENY") && noRules) {
            report.error("spec.rules", "DENY action without `rules` is meaningless as it will never be triggered, "
                    + "add an empty rule `{}` if you want it be triggered for every request");
        }
        for (int i = 0; rules != null && i < rules.size(); i++) {
            rule(report, "spec.rules[" + i + "]", rules.get(i), i, action);
        }
    }

    private static void rule(Report report, String path, JsonNode rule, int i, String action) {
        if (rule == null || !rule.isObject()) {
            report.error(path, "`rule` must not be nil, found at rule " + i);
            return;
        }
        if (action.equals("CUSTOM")) {
            custom(report, path, rule);
        }
        JsonNode from = rule.get("from");
        if (from != null && from.isArray() && from.isEmpty()) {
            report.error(path + ".from", "`from` must not be empty, found at rule " + i);
        }
        boolean fromExists = false;
        boolean tcpInFrom = false;
        for (int j = 0; from != null && j < from.size(); j++) {
            String p = path + ".from[" + j + "]";
            JsonNode f = from.get(j);
            if (f == null || !f.isObject()) {
                report.error(p, "`from` must not be nil, found at rule " + i);
                continue;
            }
            JsonNode src = f.get("source");
            if (src == null || !src.isObject()) {
                report.error(p + ".source", "`from.source` must not be nil, found at rule " + i);
                continue;
            }
            fromExists = true;
            source(report, p + ".source", src, i);
            tcpInFrom |= TCP_SOURCE_FIELDS.stream().anyMatch(src::has);
        }
        JsonNode to = rule.get("to");
        if (to != null && to.isArray() && to.isEmpty()) {
            report.error(path + ".to", "`to` must not be empty, found at rule " + i);
        }
        boolean toExists = false;
        boolean tcpInTo = false;
        for (int j = 0; to != null && j < to.size(); j++) {
            String p = path + ".to[" + j + "]";
            JsonNode t = to.get(j);
            if (t == null || !t.isObject()) {
                report.error(p, "`to` must not be nil, found at rule " + i);
                continue;
            }
            JsonNode op = t.get("operation");
            if (op == null || !op.isObject()) {
                report.error(p + ".operation", "`to.operation` must not be nil, found at rule " + i);
                continue;
            }
            toExists = true;
            operation(report, p + ".operation", op, i);
            tcpInTo |= op.has("ports") || op.has("notPorts");
        }
        JsonNode when = rule.path("when");
        for (int j = 0; j < when.size(); j++) {
            ConditionRules.condition(report, path + ".when[" + j + "]", when.get(j));
        }
        if (((fromExists && !toExists && !tcpInFrom) || (toExists && !tcpInTo)) && action.equals("DENY")) {
            report.warning(path, "configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to "
                    + "the use of only HTTP attributes in a DENY rule; it is recommended to explicitly specify the port");
        }
    }

    private static void custom(Report report, String path, JsonNode rule) {
        JsonNode from = rule.path("from");
        for (int j = 0; j < from.size(); j++) {
            JsonNode src = from.path(j).path("source");
            for (String field : NOT_WITH_CUSTOM) {
                if (!src.path(field).isEmpty()) {
                    String name = "From." + Character.toUpperCase(field.charAt(0)) + field.substring(1);
                    report.error(path + ".from[" + j + "].source." + field, name + " is currently not supported with CUSTOM action");
                }
            }
        }
        JsonNode when = rule.path("when");
        for (int j = 0; j < when.size(); j++) {
            String key = when.path(j).path("key").asText("");
            if (key.equals("source.namespace") || key.equals("source.serviceAccount") || key.equals("source.trustDomain")
                    || key.equals("source.principal") || key.startsWith("request.auth.")) {
                report.error(path + ".when[" + j + "].key", key + " is currently not supported with CUSTOM action");
            }
        }
    }

    private static void source(Report report, String path, JsonNode src, int i) {
        // serviceAccounts together with namespaces or principals: SecurityValidators.authorizationPolicy
        if (SOURCE_FIELDS.stream().allMatch(field -> src.path(field).isEmpty())) {
            report.error(path, "`from.source` must not be empty, found at rule " + i);
        }
        for (String field : List.of("ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks")) {
            ConditionRules.ips(report, path + "." + field, src.path(field));
        }
        for (String field : List.of("principals", "requestPrincipals", "namespaces", "ipBlocks", "remoteIpBlocks",
                "notPrincipals", "notRequestPrincipals", "notNamespaces", "notIpBlocks", "notRemoteIpBlocks")) {
            ConditionRules.emptyValues(report, path + "." + field, src.path(field), capitalized(field));
        }
        for (String field : List.of("serviceAccounts", "notServiceAccounts")) {
            report.errorIf(path + "." + field, ConditionRules.serviceAccounts(capitalized(field), src.path(field)));
        }
        for (String field : List.of("trustDomains", "notTrustDomains")) {
            report.errorIf(path + "." + field, ConditionRules.trustDomains(capitalized(field), src.path(field)));
        }
    }

    private static void operation(Report report, String path, JsonNode op, int i) {
        if (OPERATION_FIELDS.stream().allMatch(field -> op.path(field).isEmpty())) {
            report.error(path, "`to.operation` must not be empty, found at rule " + i);
        }
        ConditionRules.ports(report, path + ".ports", op.path("ports"));
        ConditionRules.ports(report, path + ".notPorts", op.path("notPorts"));
        for (String field : OPERATION_FIELDS) {
            ConditionRules.emptyValues(report, path + "." + field, op.path(field), capitalized(field));
        }
        report.errorIf(path + ".paths", ConditionRules.pathTemplates("Paths", op.path("paths")));
        report.errorIf(path + ".notPaths", ConditionRules.pathTemplates("NotPaths", op.path("notPaths")));
    }

    private static String capitalized(String field) {
        return Character.toUpperCase(field.charAt(0)) + field.substring(1);
    }
}
