package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.model.finding.Finding.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Istio's {@code authz.AuthorizationPoliciesAnalyzer}. IST0127: an AuthorizationPolicy applies to some workload —
 * its selector picks a workload of its namespace (of any namespace, for a policy in the root namespace), and a
 * policy without a selector has workloads in its namespace to apply to (a selectorless policy in the root
 * namespace applies mesh-wide and is always fine). IST0101: each namespace pattern of a source ({@code namespaces},
 * {@code notNamespaces}: a name, {@code *}, {@code prefix*} or {@code *suffix}) matches a Namespace of the input.
 *
 * <p>Workloads are the pods of the registry that are in the mesh ({@link Workloads#inMesh}) and the WorkloadEntries
 * (Strait's VMs: Istio counts only pods). The namespace check runs only when the input lists Namespaces at all —
 * without them every namespace would be unknown — and IST0101 is Istio's error in analysis, a warning at ingest
 * ({@link RegistryLevels}): a revision is not rejected for namespaces the source does not describe. A policy bound by {@code targetRef(s)} (to a Gateway or a
 * Service) selects no workload by labels and is not checked for workloads.
 */
public final class AuthorizationPoliciesAnalyzer implements Analyzer {
    @Override
    public String name() {
        return "authz.AuthorizationPoliciesAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        List<AnalysisInput.Doc> policies = in.all("AuthorizationPolicy");
        if (policies.isEmpty()) {
            return;
        }
        Map<String, List<Map<String, String>>> workloads = workloadLabelsByNamespace(in);
        String root = in.mesh().rootNamespace();
        List<String> namespaces = in.all("Namespace").stream().map(AnalysisInput.Doc::name).toList();
        for (AnalysisInput.Doc ap : policies) {
            noMatchingWorkloads(ap, workloads, root, out);
            if (!namespaces.isEmpty()) {
                unknownNamespaces(ap, namespaces, out);
            }
        }
    }

    private static void noMatchingWorkloads(AnalysisInput.Doc ap, Map<String, List<Map<String, String>>> workloads,
                                            String root, Messages out) {
        JsonNode spec = ap.spec();
        if (spec.has("targetRef") || spec.has("targetRefs")) {
            return;
        }
        boolean hasSelector = spec.path("selector").isObject();
        Map<String, String> selector = AnalysisInput.strings(spec.path("selector").path("matchLabels"));
        if (ap.namespace().equals(root)) {
            if (hasSelector && workloads.values().stream().flatMap(List::stream).noneMatch(l -> Workloads.selects(selector, l))) {
                report(ap, selector, out);
            }
            return;
        }
        List<Map<String, String>> here = workloads.getOrDefault(ap.namespace(), List.of());
        if (hasSelector ? here.stream().noneMatch(l -> Workloads.selects(selector, l)) : here.isEmpty()) {
            report(ap, selector, out);
        }
    }

    private static void report(AnalysisInput.Doc ap, Map<String, String> selector, Messages out) {
        out.warning("IST0127", ap, selector.isEmpty() ? "metadata.name" : "spec.selector.matchLabels",
                "No matching workloads for this resource with the following labels: " + Workloads.selectorText(selector));
    }

    private static void unknownNamespaces(AnalysisInput.Doc ap, List<String> namespaces, Messages out) {
        JsonNode rules = ap.spec().path("rules");
        for (int i = 0; i < rules.size(); i++) {
            JsonNode from = rules.path(i).path("from");
            for (int j = 0; j < from.size(); j++) {
                for (String field : List.of("namespaces", "notNamespaces")) {
                    JsonNode patterns = from.path(j).path("source").path(field);
                    for (int k = 0; k < patterns.size(); k++) {
                        String pattern = patterns.path(k).asText("");
                        if (namespaces.stream().noneMatch(ns -> namespaceMatches(ns, pattern))) {
                            out.registry(Level.ERROR, "IST0101", ap, "spec.rules[" + i + "].from[" + j + "].source." + field + "[" + k + "]",
                                    "Referenced namespace not found: " + GoText.quote(pattern));
                        }
                    }
                }
            }
        }
    }

    /** Istio's namespace patterns: {@code *}, a prefix ({@code prod-*}), a suffix ({@code *-test}), or a name. */
    static boolean namespaceMatches(String namespace, String pattern) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.startsWith("*")) {
            return namespace.endsWith(pattern.substring(1));
        }
        if (pattern.endsWith("*")) {
            return namespace.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return namespace.toLowerCase(Locale.ROOT).equals(pattern.toLowerCase(Locale.ROOT));
    }

    /** The labels of the workloads a policy can apply to, by namespace: pods in the mesh, and WorkloadEntries. */
    private static Map<String, List<Map<String, String>>> workloadLabelsByNamespace(AnalysisInput in) {
        Map<String, Map<String, String>> namespaces = Workloads.namespaces(in);
        Map<String, List<Map<String, String>>> out = new HashMap<>();
        for (Workloads.Pod p : Workloads.pods(in)) {
            boolean inMesh = p.ambient()
                    || Workloads.inMesh(namespaces.get(p.namespace()), p.labels(), p.annotations(), p.doc().spec());
            if (inMesh) {
                out.computeIfAbsent(p.namespace(), k -> new ArrayList<>()).add(p.labels());
            }
        }
        for (AnalysisInput.Doc we : in.all("WorkloadEntry")) {
            out.computeIfAbsent(we.namespace(), k -> new ArrayList<>()).add(AnalysisInput.strings(we.spec().path("labels")));
        }
        return out;
    }
}
