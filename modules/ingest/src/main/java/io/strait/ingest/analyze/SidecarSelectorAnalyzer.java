package io.strait.ingest.analyze;

import io.strait.model.finding.Finding.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Istio's {@code sidecar.SelectorAnalyzer}. IST0101: a Sidecar's workload selector picks at least one pod of its
 * namespace. IST0110: no pod is picked by two Sidecars. IST0111: a namespace has at most one Sidecar without a
 * selector. IST0167: a Sidecar for pods in ambient mode (or for an ambient namespace) has no effect — those pods
 * have no sidecar proxy — and is reported for that instead of a conflict. IST0101 is Istio's error in analysis and
 * a warning at ingest ({@link RegistryLevels}): a revision is not rejected for pods the source does not describe.
 */
public final class SidecarSelectorAnalyzer implements Analyzer {
    @Override
    public String name() {
        return "sidecar.SelectorAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        Map<String, List<Workloads.Pod>> podsByNamespace = new HashMap<>();
        for (Workloads.Pod p : Workloads.pods(in)) {
            podsByNamespace.computeIfAbsent(p.namespace(), k -> new ArrayList<>()).add(p);
        }
        // pods in the order they were given, each with the Sidecars that select it
        Map<Workloads.Pod, List<AnalysisInput.Doc>> podToSidecars = new LinkedHashMap<>();
        Map<String, List<AnalysisInput.Doc>> unselecting = new LinkedHashMap<>();
        for (AnalysisInput.Doc sc : in.all("Sidecar")) {
            Map<String, String> selector = AnalysisInput.strings(sc.spec().path("workloadSelector").path("labels"));
            if (selector.isEmpty()) {
                unselecting.computeIfAbsent(sc.namespace(), k -> new ArrayList<>()).add(sc);
                continue;
            }
            boolean found = false;
            for (Workloads.Pod p : podsByNamespace.getOrDefault(sc.namespace(), List.of())) {
                if (Workloads.selects(selector, p.labels())) {
                    found = true;
                    podToSidecars.computeIfAbsent(p, k -> new ArrayList<>()).add(sc);
                }
            }
            if (!found) {
                out.registry(Level.ERROR, "IST0101", sc, "spec.workloadSelector.labels." + new TreeMap<>(selector).firstKey(),
                        "Referenced selector not found: " + GoText.quote(Workloads.selectorText(selector)));
            }
        }
        Set<AnalysisInput.Doc> ineffective = new HashSet<>();
        podToSidecars.forEach((pod, sidecars) -> {
            if (pod.ambient()) {
                for (AnalysisInput.Doc sc : sidecars) {
                    if (ineffective.add(sc)) {
                        out.warning("IST0167", sc, "spec.workloadSelector", "The policy has no impact: selected workload "
                                + "is in ambient mode, the policy has no impact.");
                    }
                }
            } else if (sidecars.size() > 1) {
                String names = GoText.list(sidecars.stream().map(AnalysisInput.Doc::name).sorted().toList());
                for (AnalysisInput.Doc sc : sidecars) {
                    out.error("IST0110", sc, "metadata.name", "The Sidecars " + names + " in namespace "
                            + GoText.quote(pod.namespace()) + " select the same workload pod " + GoText.quote(pod.name())
                            + ", which can lead to undefined behavior.");
                }
            }
        });
        Map<String, Map<String, String>> namespaces = Workloads.namespaces(in);
        unselecting.forEach((ns, sidecars) -> {
            if (Workloads.ambientNamespace(namespaces.get(ns))) {
                for (AnalysisInput.Doc sc : sidecars) {
                    if (ineffective.add(sc)) {
                        out.warning("IST0167", sc, "metadata.name", "The policy has no impact: namespace is in ambient "
                                + "mode, the policy has no impact.");
                    }
                }
            } else if (sidecars.size() > 1) {
                String names = GoText.list(sidecars.stream().map(AnalysisInput.Doc::name).sorted().toList());
                for (AnalysisInput.Doc sc : sidecars) {
                    out.error("IST0111", sc, "metadata.name", "The Sidecars " + names + " in namespace " + GoText.quote(ns)
                            + " have no workload selector, which can lead to undefined behavior.");
                }
            }
        });
    }
}
