package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Istio's rules of Telemetry, WasmPlugin and ProxyConfig beyond {@link ExtensionValidators} and the schema:
 * selectors and target kinds, providers, tracing tags, tag overrides, access-log filters as CEL, plugin URL and name lengths.
 */
final class ExtensionRules {
    private ExtensionRules() {
    }

    static void telemetry(Report report, JsonNode spec) {
        LabelForms.selector(report, "spec.selector", spec.get("selector"), "matchLabels", "", "", false);
        FieldForms.targetRefs(report, spec);
        JsonNode metrics = spec.path("metrics");
        for (int i = 0; i < metrics.size(); i++) {
            String path = "spec.metrics[" + i + "]";
            providers(report, path + ".providers", metrics.path(i).path("providers"));
            JsonNode overrides = metrics.path(i).path("overrides");
            for (int j = 0; j < overrides.size(); j++) {
                for (Iterator<Map.Entry<String, JsonNode>> it = overrides.path(j).path("tagOverrides").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String p = path + ".overrides[" + j + "].tagOverrides";
                    if (e.getKey().isEmpty()) {
                        report.warning(p, "tagOverrides.name may not be empty");
                    }
                    // an UPSERT (the default) with an empty value; a missing one: ExtensionValidators.telemetry
                    boolean upsert = !"REMOVE".equals(e.getValue().path("operation").asText());
                    if (upsert && e.getValue().path("value").isTextual() && e.getValue().path("value").asText().isEmpty()) {
                        report.error(p + "." + e.getKey() + ".value", "tagOverrides.value must be set when operation is UPSERT");
                    }
                }
            }
        }
        JsonNode tracing = spec.path("tracing");
        if (tracing.size() > 1) {
            report.warning("spec.tracing", "multiple tracing is not currently supported");
        }
        for (int i = 0; i < tracing.size(); i++) {
            String path = "spec.tracing[" + i + "]";
            JsonNode t = tracing.path(i);
            if (t.path("providers").size() > 1) {
                report.warning(path + ".providers", "multiple providers is not currently supported");
            }
            providers(report, path + ".providers", t.path("providers"));
            // randomSamplingPercentage in [0, 100]: the schema
            for (Iterator<Map.Entry<String, JsonNode>> it = t.path("customTags").fields(); it.hasNext(); ) {
                customTag(report, path + ".customTags", it.next());
            }
        }
        JsonNode logging = spec.path("accessLogging");
        for (int i = 0; i < logging.size(); i++) {
            JsonNode filter = logging.path(i).get("filter");
            if (filter != null && filter.isObject()) {
                // validateTelemetryFilter: an unset expression is "", which CEL refuses too
                String error = CelExpressions.parseError(FieldForms.text(filter, "expression"));
                if (error != null) {
                    report.error("spec.accessLogging[" + i + "].filter.expression", "must be a valid CEL expression, " + error);
                }
            }
            providers(report, "spec.accessLogging[" + i + "].providers", logging.path(i).path("providers"));
        }
    }

    /** validateTelemetryProviders: each provider names one. */
    private static void providers(Report report, String path, JsonNode providers) {
        for (int i = 0; i < providers.size(); i++) {
            if (!providers.path(i).isObject() || FieldForms.text(providers.path(i), "name").isEmpty()) {
                report.error(path + "[" + i + "].name", "providers.name may not be empty");
                return;
            }
        }
    }

    private static void customTag(Report report, String path, Map.Entry<String, JsonNode> tag) {
        String p = path + "." + tag.getKey();
        if (tag.getKey().isEmpty()) {
            report.error(path, "tag name may not be empty");
        }
        JsonNode t = tag.getValue();
        if (t == null || t.isNull()) {
            report.error(p, "tag '" + tag.getKey() + "' may not have a nil value");
        } else if (t.has("literal")) {
            if (FieldForms.text(t.get("literal"), "value").isEmpty()) {
                report.error(p + ".literal.value", "literal tag value may not be empty");
            }
        } else if (t.has("header")) {
            if (FieldForms.text(t.get("header"), "name").isEmpty()) {
                report.error(p + ".header.name", "header tag name may not be empty");
            }
        } else if (t.has("environment")) {
            if (FieldForms.text(t.get("environment"), "name").isEmpty()) {
                report.error(p + ".environment.name", "environment tag name may not be empty");
            }
        }
    }

    static void wasmPlugin(Report report, JsonNode spec) {
        LabelForms.selector(report, "spec.selector", spec.get("selector"), "matchLabels", "", "", false);
        FieldForms.targetRefs(report, spec);
        if (!spec.hasNonNull("url")) {
            report.error("spec.url", "url field needs to be set");
        }
        if (FieldForms.text(spec, "imagePullSecret").length() > 253) {
            report.error("spec.imagePullSecret", "imagePullSecret field must be less than 253 characters long");
        }
        if (FieldForms.text(spec, "pluginName").length() > 256) {
            report.error("spec.pluginName", "pluginName field must be less than 255 characters long");
        }
        JsonNode env = spec.path("vmConfig").path("env");
        for (int i = 0; i < env.size(); i++) {
            if (FieldForms.text(env.path(i), "name").length() > 256) {
                report.error("spec.vmConfig.env[" + i + "].name", "env.name field must be less than 255 characters long");
                return;
            }
        }
    }

    static void proxyConfig(Report report, JsonNode spec) {
        LabelForms.selector(report, "spec.selector", spec.get("selector"), "matchLabels", "", "", false);
        // concurrency of 0 or more: the schema's minimum
    }
}
