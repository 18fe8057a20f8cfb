package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.ingest.load.LoadedResource;
import java.util.Iterator;
import java.util.Map;

/** Rules shared by the policy kinds: how a policy selects workloads (selector or target references). */
final class PolicyRules {
    private PolicyRules() {
    }

    /** The spec as the user wrote it, for any kind (typed records keep only what translation reads). */
    static JsonNode spec(LoadedResource r) {
        return r.document().tree().path("spec");
    }

    /** How a policy selects workloads: {@link #targets} and {@link #selectorLabels} together. */
    static void selection(LoadedResource r, JsonNode spec, Findings f) {
        targets(r, spec, f);
        selectorLabels(r, spec, f);
    }

    /** The labels of {@code spec.selector.matchLabels}, by {@link #labels}. */
    static void selectorLabels(LoadedResource r, JsonNode spec, Findings f) {
        labels(r, spec.path("selector").get("matchLabels"), "spec.selector.matchLabels", f);
    }

    /** At most one of selector, targetRef, targetRefs; references stay in the policy's namespace. */
    static void targets(LoadedResource r, JsonNode spec, Findings f) {
        int set = (spec.has("selector") ? 1 : 0) + (spec.has("targetRef") ? 1 : 0) + (spec.has("targetRefs") ? 1 : 0);
        if (set > 1) {
            f.error(r, Findings.SCHEMA, "spec", "only one of targetRefs or selector can be set (found "
                    + String.join(", ", present(spec, "selector", "targetRef", "targetRefs")) + ")");
        }
        sameNamespace(r, spec.get("targetRef"), "spec.targetRef", f);
        JsonNode refs = spec.get("targetRefs");
        if (refs != null) {
            for (int i = 0; i < refs.size(); i++) {
                sameNamespace(r, refs.path(i), "spec.targetRefs[" + i + "]", f);
            }
        }
    }

    private static void sameNamespace(LoadedResource r, JsonNode ref, String path, Findings f) {
        if (ref != null && ref.hasNonNull("namespace") && !ref.get("namespace").asText().isEmpty()
                && !ref.get("namespace").asText().equals(r.resource().namespace())) {
            f.error(r, Findings.SCHEMA, path + ".namespace", "cross namespace referencing is not currently supported: "
                    + "the policy is in " + r.resource().namespace());
        }
    }

    /** Label selectors match exact labels: no wildcards, no empty keys. */
    static void labels(LoadedResource r, JsonNode labels, String path, Findings f) {
        if (labels == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = path + "." + e.getKey();
            if (e.getKey().isEmpty()) {
                f.error(r, Findings.SCHEMA, path, "key must not be empty");
            } else if (e.getKey().contains("*")) {
                f.error(r, Findings.SCHEMA, p, "wildcard not allowed in label key match");
            }
            if (e.getValue().asText().contains("*")) {
                f.error(r, Findings.SCHEMA, p, "wildcard not allowed in label value match");
            }
        }
    }

    /** A port number written as a map key. */
    static void portKey(LoadedResource r, String key, String path, Findings f) {
        try {
            int port = Integer.parseInt(key);
            if (port < 1 || port > 65535) {
                f.error(r, Findings.SCHEMA, path, "port must be between 1-65535");
            }
        } catch (NumberFormatException e) {
            f.error(r, Findings.SCHEMA, path, "type conversion error from \"" + key + "\" to a port number");
        }
    }

    private static java.util.List<String> present(JsonNode spec, String... fields) {
        return java.util.Arrays.stream(fields).filter(spec::has).toList();
    }
}
