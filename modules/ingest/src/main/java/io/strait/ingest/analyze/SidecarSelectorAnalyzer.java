package io.strait.ingest.analyze;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * IST0101: a Sidecar's workload selector picks at least one pod of its namespace. IST0110: no pod is picked by two
 * Sidecars, and a namespace has at most one Sidecar without a selector.
 */
public final class SidecarSelectorAnalyzer implements Analyzer {
    @Override
    public String name() {
        return "sidecar.SelectorAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        Map<AnalysisInput.Doc, Set<AnalysisInput.Doc>> podToSidecars = new HashMap<>();
        Map<String, List<AnalysisInput.Doc>> unselecting = new HashMap<>();
        for (AnalysisInput.Doc sc : in.all("Sidecar")) {
            Map<String, String> selector = AnalysisInput.strings(sc.spec().path("workloadSelector").path("labels"));
            if (selector.isEmpty()) {
                unselecting.computeIfAbsent(sc.namespace(), k -> new java.util.ArrayList<>()).add(sc);
                continue;
            }
            List<AnalysisInput.Doc> pods = in.pods(sc.namespace(), selector);
            if (pods.isEmpty()) {
                out.warning("IST0101", sc, "spec.workloadSelector.labels", "Referenced selector not found: \"" + selector + "\"");
            }
            pods.forEach(p -> podToSidecars.computeIfAbsent(p, k -> new LinkedHashSet<>()).add(sc));
        }
        Set<AnalysisInput.Doc> conflicting = new LinkedHashSet<>();
        podToSidecars.values().stream().filter(s -> s.size() > 1).forEach(conflicting::addAll);
        unselecting.values().stream().filter(l -> l.size() > 1).forEach(conflicting::addAll);
        for (AnalysisInput.Doc sc : conflicting) {
            out.error("IST0110", sc, "spec.workloadSelector", "This Sidecar selects the same workloads as another Sidecar "
                    + "of namespace " + sc.namespace() + ": which one applies is undefined");
        }
    }
}
