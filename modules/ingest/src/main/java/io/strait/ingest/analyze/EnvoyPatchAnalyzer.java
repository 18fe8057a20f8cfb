package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/**
 * EnvoyFilter patches whose operation does not fit what they apply to, or that depend on the order filters are
 * applied in: IST0153/IST0154 an ADD or REMOVE on a route configuration or HTTP route (ignored), IST0152 a REPLACE
 * on anything but an HTTP filter, network filter or virtual host; and for a relative operation (INSERT_BEFORE,
 * INSERT_AFTER, REPLACE, REMOVE) in a filter without a priority, IST0151 — or IST0155 when an earlier patch that
 * names the same filter (by its value's {@code name}, else the listener filter it matches) is limited to a proxy
 * version, so an upgrade can reorder them.
 *
 * <p>Istio reports each of these at most once per EnvoyFilter (its messages carry no patch and are merged), so
 * this does too, at the first patch at fault. EnvoyFilters are taken in document order.
 */
final class EnvoyPatchAnalyzer implements Analyzer {
    private static final Set<String> ROUTE_LEVEL = Set.of("ROUTE_CONFIGURATION", "HTTP_ROUTE");
    private static final Set<String> REPLACEABLE = Set.of("HTTP_FILTER", "NETWORK_FILTER", "VIRTUAL_HOST");

    @Override
    public String name() {
        return "envoyfilter.EnvoyPatchAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        Set<String> versionedNames = new HashSet<>(); // filters patched under a proxyVersion so far
        for (AnalysisInput.Doc ef : in.all("EnvoyFilter")) {
            Set<String> reported = new HashSet<>();
            boolean prioritized = ef.spec().path("priority").asInt(0) != 0;
            JsonNode patches = ef.spec().path("configPatches");
            for (int i = 0; patches.isArray() && i < patches.size(); i++) {
                JsonNode cp = patches.path(i);
                JsonNode patch = cp.path("patch");
                if (!patch.isObject()) {
                    break; // as Istio: a patch without its patch section ends the check of this filter
                }
                String name = patchedName(cp);
                String applyTo = cp.path("applyTo").asText("");
                String at = "spec.configPatches[" + i + "].patch.operation";
                boolean relative = false;
                switch (patch.path("operation").asText("")) {
                    case "ADD" -> {
                        if (ROUTE_LEVEL.contains(applyTo)) {
                            report(out, reported, "IST0153", ef, at, true,
                                    "The ADD operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE.");
                        }
                    }
                    case "REMOVE" -> {
                        if (ROUTE_LEVEL.contains(applyTo)) {
                            report(out, reported, "IST0154", ef, at, true,
                                    "The REMOVE operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE.");
                        } else {
                            relative = true;
                        }
                    }
                    case "REPLACE" -> {
                        if (!REPLACEABLE.contains(applyTo)) {
                            report(out, reported, "IST0152", ef, at, true,
                                    "The REPLACE operation is only valid for HTTP_FILTER and NETWORK_FILTER.");
                        } else {
                            relative = true;
                        }
                    }
                    case "INSERT_BEFORE", "INSERT_AFTER" -> relative = true;
                    default -> {
                    }
                }
                if (relative && !prioritized) {
                    if (versionedNames.contains(name)) {
                        report(out, reported, "IST0155", ef, at, false, "This EnvoyFilter does not have a priority and has a "
                                + "relative patch operation (NSTERT_BEFORE/AFTER, REPLACE, MERGE, DELETE) and proxyVersion set "
                                + "which can cause the EnvoyFilter not to be applied during an upgrade. Using the INSERT_FIRST or "
                                + "ADD option or setting the priority may help in ensuring the EnvoyFilter is applied correctly.");
                    } else {
                        report(out, reported, "IST0151", ef, at, false, "This EnvoyFilter does not have a priority and has a "
                                + "relative patch operation set which can cause the EnvoyFilter not to be applied. Using the "
                                + "INSERT_FIRST of ADD option or setting the priority may help in ensuring the EnvoyFilter is "
                                + "applied correctly.");
                    }
                }
                if (!cp.path("match").path("proxy").path("proxyVersion").asText("").isEmpty()) {
                    versionedNames.add(name);
                }
            }
        }
    }

    /**
     * What a patch is about, for telling whether two patches touch the same filter: the {@code name} of its value,
     * else the name of the listener filter it matches, else nothing (the empty name, which Istio compares too).
     */
    private static String patchedName(JsonNode cp) {
        JsonNode value = cp.path("patch").path("value");
        if (!value.isObject()) {
            return "";
        }
        if (value.has("name")) {
            return "value " + value.get("name");
        }
        JsonNode chain = cp.path("match").path("listener").path("filterChain");
        return chain.isObject() ? "filter \"" + chain.path("filter").path("name").asText("") + "\"" : "";
    }

    private static void report(Messages out, Set<String> reported, String code, AnalysisInput.Doc ef, String at,
                               boolean error, String message) {
        if (reported.add(code)) {
            if (error) {
                out.error(code, ef, at, message);
            } else {
                out.warning(code, ef, at, message);
            }
        }
    }
}
