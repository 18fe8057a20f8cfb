package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.model.finding.Finding.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The Telemetry analyzers: access logging with no provider where the mesh has no default, selectors that pick no
 * pod or pick the same pod, several selector-less Telemetries in a namespace, and the deprecated Lightstep provider.
 */
final class TelemetryAnalyzers {
    private TelemetryAnalyzers() {
    }

    /** Sorted names, as Istio lists conflicting Telemetries: {@code [a b]}. */
    private static String names(List<AnalysisInput.Doc> docs) {
        return docs.stream().map(AnalysisInput.Doc::name).sorted().collect(Collectors.joining(" ", "[", "]"));
    }

    /** A selector that is there at all ({@code selector: {}} counts; a missing or null one does not). */
    private static boolean hasSelector(AnalysisInput.Doc t) {
        JsonNode s = t.spec().path("selector");
        return !s.isMissingNode() && !s.isNull();
    }

    /**
     * IST0157: an access logging entry with no provider (and not disabled) when the MeshConfig names no default
     * access log provider: Istio ignores it.
     */
    static final class Providers implements Analyzer {
        @Override
        public String name() {
            return "telemetry.ProviderAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            if (!in.mesh().defaultAccessLogging().isEmpty()) {
                return;
            }
            for (AnalysisInput.Doc t : in.all("Telemetry")) {
                JsonNode logging = t.spec().path("accessLogging");
                if (!logging.isArray()) {
                    continue; // not a Telemetry validation passes: nothing to say about its providers
                }
                for (int i = 0; i < logging.size(); i++) {
                    JsonNode entry = logging.path(i);
                    if (entry.path("disabled").asBoolean(false)) {
                        continue;
                    }
                    JsonNode providers = entry.path("providers");
                    if (!providers.isArray() || providers.isEmpty()) {
                        out.warning("IST0157", t, "spec.accessLogging[" + i + "]", "The Telemetry " + t.name()
                                + " in namespace \"" + t.namespace() + "\" with empty providers will be ignored.");
                        break; // one message per Telemetry: the text names only the Telemetry, Istio merges them
                    }
                }
            }
        }
    }

    /**
     * IST0101: a Telemetry's selector picks no pod of its namespace (checked when the input has pods). IST0159: two Telemetries of a namespace
     * pick the same pod (one message per Telemetry and pod).
     */
    static final class Selectors implements Analyzer {
        @Override
        public String name() {
            return "telemetry.SelectorAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            Map<AnalysisInput.Doc, List<AnalysisInput.Doc>> telemetriesByPod = new LinkedHashMap<>();
            // With no pod in the input there is nothing to look selectors up in (ingest sources seldom hold pods):
            // "selects nothing" would then be said of every selector, so it is said only when pods are given
            boolean podsGiven = !in.all("Pod").isEmpty();
            for (AnalysisInput.Doc t : in.all("Telemetry")) {
                Map<String, String> labels = AnalysisInput.strings(t.spec().path("selector").path("matchLabels"));
                if (labels.isEmpty()) {
                    continue;
                }
                List<AnalysisInput.Doc> pods = in.pods(t.namespace(), labels);
                if (pods.isEmpty() && podsGiven) {
                    String selector = new TreeMap<>(labels).entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
                    String first = new TreeMap<>(labels).firstKey();
                    out.registry(Level.ERROR, "IST0101", t, "spec.selector.matchLabels." + first,
                            "Referenced selector not found: \"" + selector + "\"");
                }
                pods.forEach(p -> telemetriesByPod.computeIfAbsent(p, k -> new ArrayList<>()).add(t));
            }
            telemetriesByPod.forEach((pod, telemetries) -> {
                if (telemetries.size() < 2) {
                    return;
                }
                String names = names(telemetries);
                for (AnalysisInput.Doc t : telemetries) {
                    out.error("IST0159", t, "spec.selector", "The Telemetries " + names + " in namespace \"" + pod.namespace()
                            + "\" select the same workload pod \"" + pod.name() + "\", which can lead to undefined behavior.");
                }
            });
        }
    }

    /** IST0160: more than one Telemetry without a selector in one namespace (the root namespace included). */
    static final class DefaultSelectors implements Analyzer {
        @Override
        public String name() {
            return "telemetry.DefaultSelectorAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            Map<String, List<AnalysisInput.Doc>> byNamespace = new LinkedHashMap<>();
            for (AnalysisInput.Doc t : in.all("Telemetry")) {
                if (!hasSelector(t)) {
                    byNamespace.computeIfAbsent(t.namespace(), k -> new ArrayList<>()).add(t);
                }
            }
            byNamespace.forEach((ns, telemetries) -> {
                if (telemetries.size() < 2) {
                    return;
                }
                String names = names(telemetries);
                for (AnalysisInput.Doc t : telemetries) {
                    out.error("IST0160", t, "metadata.name", "The Telemetries " + names + " in namespace \"" + ns
                            + "\" have no workload selector, which can lead to undefined behavior.");
                }
            });
        }
    }

    /** IST0002: tracing through a MeshConfig extension provider of the Lightstep type, which is deprecated. */
    static final class Lightstep implements Analyzer {
        @Override
        public String name() {
            return "telemetry.LightstepAnalyzer";
        }

        @Override
        public void analyze(AnalysisInput in, Messages out) {
            Map<String, String> providers = in.mesh().extensionProviders();
            if (!providers.containsValue("lightstep")) {
                return;
            }
            for (AnalysisInput.Doc t : in.all("Telemetry")) {
                JsonNode tracing = t.spec().path("tracing");
                Set<String> reported = new HashSet<>(); // Istio merges repeats of one message
                for (int i = 0; tracing.isArray() && i < tracing.size(); i++) {
                    JsonNode used = tracing.path(i).path("providers");
                    for (int j = 0; used.isArray() && j < used.size(); j++) {
                        String name = used.path(j).path("name").asText("");
                        if ("lightstep".equals(providers.get(name)) && reported.add(name)) {
                            out.warning("IST0002", t, "spec.tracing[" + i + "].providers[" + j + "].name", "Deprecated: The "
                                    + "Lightstep provider " + name + " is deprecated, please migrate to OpenTelemetry provider.");
                        }
                    }
                }
            }
        }
    }
}
