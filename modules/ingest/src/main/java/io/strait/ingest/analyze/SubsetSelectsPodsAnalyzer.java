package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * IST0173: each subset of a DestinationRule for a Kubernetes Service selects at least one of the service's pods.
 * A pod also carries its node's topology labels ({@code topology.kubernetes.io/region|zone}) when they are set, as
 * Istio's locality does; an empty label value matches nothing.
 */
public final class SubsetSelectsPodsAnalyzer implements Analyzer {
    @Override
    public String name() {
        return "destinationrule.PodNotSelectedAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        for (AnalysisInput.Doc dr : in.all("DestinationRule")) {
            String host = AnalysisInput.fqdn(dr.spec().path("host").asText(""), dr.namespace());
            Optional<AnalysisInput.Doc> svc = in.all("Service").stream()
                    .filter(s -> (s.name() + "." + s.namespace() + ".svc.cluster.local").equals(host)).findFirst();
            if (svc.isEmpty()) {
                continue;
            }
            Map<String, String> selector = AnalysisInput.strings(svc.get().spec().path("selector"));
            var pods = in.pods(svc.get().namespace(), selector);
            if (pods.isEmpty()) {
                continue;
            }
            JsonNode subsets = dr.spec().path("subsets");
            for (int i = 0; i < subsets.size(); i++) {
                Map<String, String> labels = AnalysisInput.strings(subsets.path(i).path("labels"));
                boolean selected = pods.stream().anyMatch(p -> withTopology(in, p).entrySet().stream()
                        .filter(e -> !e.getValue().isEmpty()).toList().containsAll(labels.entrySet()));
                if (!selected) {
                    out.warning("IST0173", dr, "spec.subsets[" + i + "].labels", "The subset \"" + subsets.path(i).path("name").asText()
                            + "\" of " + host + " selects no pod: no pod of the service has labels " + labels);
                }
            }
        }
    }

    private static Map<String, String> withTopology(AnalysisInput in, AnalysisInput.Doc pod) {
        Map<String, String> labels = new HashMap<>(pod.labels());
        String node = pod.spec().path("nodeName").asText("");
        in.all("Node").stream().filter(n -> n.name().equals(node)).findFirst().ifPresent(n -> n.labels().forEach((k, v) -> {
            if (k.startsWith("topology.kubernetes.io/")) {
                labels.putIfAbsent(k, v);
            }
        }));
        return labels;
    }
}
