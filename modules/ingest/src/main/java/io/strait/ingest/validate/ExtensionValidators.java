package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.Kind;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Field rules of WasmPlugin, Telemetry, EnvoyFilter and ProxyConfig; Istio's further rules in {@link ExtensionRules} and {@link EnvoyFilterRules}. */
final class ExtensionValidators {
    private static final Set<String> WASM_SCHEMES = Set.of("http", "https", "file", "oci");
    private static final java.util.regex.Pattern OCI_REFERENCE = java.util.regex.Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._/:@-]*$");

    private ExtensionValidators() {
    }

    /** Registers the validators; EnvoyFilter patch values are read with {@code envoyTypes}, asked for when one is. */
    static void register(Map<Kind, ResourceValidator> byKind, Supplier<EnvoyTypes> envoyTypes) {
        byKind.put(Kind.WASM_PLUGIN, ExtensionValidators::wasmPlugin);
        byKind.put(Kind.TELEMETRY, ExtensionValidators::telemetry);
        byKind.put(Kind.ENVOY_FILTER, (r, f) -> envoyFilter(r, f, envoyTypes));
        byKind.put(Kind.PROXY_CONFIG, (r, f) -> {
            PolicyRules.selectorLabels(r, PolicyRules.spec(r), f);
            ExtensionRules.proxyConfig(new Report(r, f), PolicyRules.spec(r));
        });
    }

    static void wasmPlugin(LoadedResource r, Findings f) {
        JsonNode spec = PolicyRules.spec(r);
        ExtensionRules.wasmPlugin(new Report(r, f), spec);
        PolicyRules.selection(r, spec, f);
        String url = spec.path("url").asText("");
        if (!url.isEmpty()) {
            int colon = url.indexOf("://");
            // without a scheme the url is an OCI image reference (registry/repo:tag), whose characters are limited
            boolean ok = colon >= 0 ? WASM_SCHEMES.contains(url.substring(0, colon)) : OCI_REFERENCE.matcher(url).matches();
            if (!ok) {
                f.error(r, Findings.SCHEMA, "spec.url", "url must have schema one of [http, https, file, oci]: \"" + url + "\"");
            }
        }
        JsonNode env = spec.path("vmConfig").path("env");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < env.size(); i++) {
            JsonNode e = env.path(i);
            String path = "spec.vmConfig.env[" + i + "]";
            if (e.hasNonNull("name") && !names.add(e.get("name").asText())) {
                f.error(r, Findings.SCHEMA, path + ".name", "Duplicate value: \"" + e.get("name").asText() + "\"");
            }
            if ("HOST".equals(e.path("valueFrom").asText()) && e.hasNonNull("value")) {
                f.error(r, Findings.SCHEMA, path + ".value", "value may only be set when valueFrom is INLINE");
            }
        }
    }

    static void telemetry(LoadedResource r, Findings f) {
        JsonNode spec = PolicyRules.spec(r);
        ExtensionRules.telemetry(new Report(r, f), spec);
        PolicyRules.selection(r, spec, f);
        JsonNode metrics = spec.path("metrics");
        for (int i = 0; i < metrics.size(); i++) {
            JsonNode overrides = metrics.path(i).path("overrides");
            for (int j = 0; j < overrides.size(); j++) {
                String base = "spec.metrics[" + i + "].overrides[" + j + "].tagOverrides";
                overrides.path(j).path("tagOverrides").fields().forEachRemaining(e -> {
                    boolean remove = "REMOVE".equals(e.getValue().path("operation").asText());
                    boolean hasValue = e.getValue().hasNonNull("value");
                    if (remove && hasValue) {
                        f.error(r, Findings.SCHEMA, base + "." + e.getKey() + ".value", "value must not be set when operation is REMOVE");
                    } else if (!remove && !hasValue) {
                        f.error(r, Findings.SCHEMA, base + "." + e.getKey() + ".value", "value must be set when operation is UPSERT");
                    }
                });
            }
        }
    }

    static void envoyFilter(LoadedResource r, Findings f, Supplier<EnvoyTypes> envoyTypes) {
        EnvoyFilterRules.check(new Report(r, f), PolicyRules.spec(r), envoyTypes);
        JsonNode patches = PolicyRules.spec(r).path("configPatches");
        for (int i = 0; i < patches.size(); i++) {
            JsonNode match = patches.path(i).path("match");
            boolean waypointContext = "WAYPOINT".equals(match.path("context").asText());
            boolean waypointMatch = match.has("waypoint");
            boolean otherMatch = match.has("listener") || match.has("routeConfiguration") || match.has("cluster");
            if (waypointMatch && !waypointContext || waypointContext && otherMatch) {
                f.error(r, Findings.SCHEMA, "spec.configPatches[" + i + "].match",
                        "Invalid value: \"object\": only support waypointMatch when context is WAYPOINT");
            }
        }
    }
}
