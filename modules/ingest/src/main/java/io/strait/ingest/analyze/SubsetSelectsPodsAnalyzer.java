package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.model.finding.Finding.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Istio's {@code destinationrule.PodNotSelectedAnalyzer}. IST0174: a DestinationRule's host is a service of the
 * registry (a Kubernetes Service or a ServiceEntry host) visible from the rule's namespace or one it is exported
 * to; otherwise its policy applies to nothing. IST0173: each subset selects at least one endpoint of the service.
 *
 * <p>A pod carries, besides its own labels, those Istio adds to an endpoint: its node's locality
 * ({@code topology.kubernetes.io/region|zone}, {@code topology.istio.io/subzone}; empty values are not added) and
 * {@code kubernetes.io/hostname}. The endpoints of a Kubernetes Service are the pods its selector picks in its
 * namespace (a Service without a selector has endpoints the registry does not show and is not checked). Where
 * Istio matches a subset against every pod of the mesh, Strait matches it against the service's own endpoints —
 * a subset that only selects pods of another service still routes nowhere — and, for a ServiceEntry, against its
 * endpoints: the pods and WorkloadEntries its {@code workloadSelector} picks, or its inline endpoints (a ServiceEntry
 * with neither, such as a DNS name outside the mesh, is not checked). IST0173 is Istio's error in analysis and a
 * warning at ingest ({@link RegistryLevels}): a subset is commonly written before the pods it selects are deployed.
 */
public final class SubsetSelectsPodsAnalyzer implements Analyzer {
    @Override
    public String name() {
        return "destinationrule.PodNotSelectedAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        List<AnalysisInput.Doc> rules = in.all("DestinationRule");
        if (rules.isEmpty()) {
            return;
        }
        Endpoints endpoints = new Endpoints(in);
        for (AnalysisInput.Doc dr : rules) {
            String host = dr.spec().path("host").asText("");
            if (host.isEmpty()) {
                continue; // a schema error already
            }
            Optional<AnalysisInput.RegisteredHost> service = lookup(in, dr, AnalysisInput.fqdn(host, dr.namespace()));
            if (service.isEmpty()) {
                out.warning("IST0174", dr, "spec.host", "The host " + host
                        + " defined in the DestinationRule does not match any services in the mesh.");
                continue;
            }
            JsonNode subsets = dr.spec().path("subsets");
            if (subsets.isEmpty()) {
                continue;
            }
            Optional<List<Map<String, String>>> labelSets = endpoints.of(service.get());
            if (labelSets.isEmpty()) {
                continue;
            }
            for (int i = 0; i < subsets.size(); i++) {
                Map<String, String> labels = AnalysisInput.strings(subsets.path(i).path("labels"));
                if (labelSets.get().stream().noneMatch(l -> Workloads.selects(labels, l))) {
                    out.registry(Level.ERROR, "IST0173", dr, "spec.subsets[" + i + "].labels", "The Subset " + subsets.path(i).path("name").asText()
                            + " defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).");
                }
            }
        }
    }

    /** The service a rule is for: visible from the rule's namespace, or from a namespace it is exported to. */
    private static Optional<AnalysisInput.RegisteredHost> lookup(AnalysisInput in, AnalysisInput.Doc dr, String host) {
        Optional<AnalysisInput.RegisteredHost> found = in.lookup(host, dr.namespace());
        for (String ns : AnalysisInput.texts(dr.spec().path("exportTo"))) {
            if (found.isPresent()) {
                break;
            }
            if (!ns.equals(".") && !ns.equals("*") && !ns.equals("~")) {
                found = in.lookup(host, ns);
            }
        }
        return found;
    }

    /** The endpoints of the registry's services, each as the labels a subset selects it by. */
    private static final class Endpoints {
        private final Map<String, AnalysisInput.Doc> services = new HashMap<>();
        private final Map<String, AnalysisInput.Doc> entries = new HashMap<>();
        private final Map<String, List<Workloads.Pod>> pods = new HashMap<>();
        private final Map<String, List<AnalysisInput.Doc>> workloadEntries = new HashMap<>();
        private final Map<String, Map<String, String>> nodes = new HashMap<>();

        Endpoints(AnalysisInput in) {
            in.all("Service").forEach(s -> services.putIfAbsent(s.name() + "." + s.namespace() + ".svc.cluster.local", s));
            for (AnalysisInput.Doc se : in.all("ServiceEntry")) {
                for (String h : AnalysisInput.texts(se.spec().path("hosts"))) {
                    entries.putIfAbsent(se.namespace() + "|" + AnalysisInput.fqdn(h, se.namespace()), se);
                }
            }
            Workloads.pods(in).forEach(p -> pods.computeIfAbsent(p.namespace(), k -> new ArrayList<>()).add(p));
            in.all("WorkloadEntry").forEach(we -> workloadEntries.computeIfAbsent(we.namespace(), k -> new ArrayList<>()).add(we));
            in.all("Node").forEach(n -> nodes.putIfAbsent(n.name(), n.labels()));
        }

        /** The label sets of a service's endpoints; empty when the registry does not show them. */
        Optional<List<Map<String, String>>> of(AnalysisInput.RegisteredHost service) {
            AnalysisInput.Doc svc = services.get(service.host());
            if (svc != null && svc.namespace().equals(service.namespace())) {
                Map<String, String> selector = AnalysisInput.strings(svc.spec().path("selector"));
                return selector.isEmpty() ? Optional.empty() : Optional.of(podLabels(svc.namespace(), selector));
            }
            AnalysisInput.Doc se = entries.get(service.namespace() + "|" + service.host());
            if (se == null) {
                return Optional.empty();
            }
            JsonNode workloadSelector = se.spec().path("workloadSelector").path("labels");
            if (workloadSelector.isObject()) {
                Map<String, String> selector = AnalysisInput.strings(workloadSelector);
                List<Map<String, String>> out = new ArrayList<>(podLabels(se.namespace(), selector));
                for (AnalysisInput.Doc we : workloadEntries.getOrDefault(se.namespace(), List.of())) {
                    Map<String, String> labels = AnalysisInput.strings(we.spec().path("labels"));
                    if (Workloads.selects(selector, labels)) {
                        out.add(withLocality(labels, we.spec().path("locality").asText("")));
                    }
                }
                return Optional.of(out);
            }
            JsonNode inline = se.spec().path("endpoints");
            if (inline.isEmpty()) {
                return Optional.empty();
            }
            List<Map<String, String>> out = new ArrayList<>();
            inline.forEach(e -> out.add(withLocality(AnalysisInput.strings(e.path("labels")), e.path("locality").asText(""))));
            return Optional.of(out);
        }

        private List<Map<String, String>> podLabels(String namespace, Map<String, String> selector) {
            List<Map<String, String>> out = new ArrayList<>();
            for (Workloads.Pod p : pods.getOrDefault(namespace, List.of())) {
                if (Workloads.selects(selector, p.labels())) {
                    out.add(augmented(p));
                }
            }
            return out;
        }

        /** A pod's labels with those Istio gives its endpoint: the node's locality and hostname. */
        private Map<String, String> augmented(Workloads.Pod pod) {
            String node = pod.doc().spec().path("nodeName").asText("");
            Map<String, String> nodeLabels = nodes.getOrDefault(node, Map.of());
            Map<String, String> out = withLocality(pod.labels(), String.join("/",
                    nodeLabels.getOrDefault("topology.kubernetes.io/region", ""),
                    nodeLabels.getOrDefault("topology.kubernetes.io/zone", ""),
                    nodeLabels.getOrDefault("topology.istio.io/subzone", "")));
            if (!node.isEmpty()) {
                out.put("kubernetes.io/hostname", node);
            }
            return out;
        }

        /** Labels with a locality ({@code region/zone/subzone}) as topology labels; empty parts are left out. */
        private static Map<String, String> withLocality(Map<String, String> labels, String locality) {
            Map<String, String> out = new HashMap<>(labels);
            String[] parts = locality.split("/", -1);
            String[] keys = {"topology.kubernetes.io/region", "topology.kubernetes.io/zone", "topology.istio.io/subzone"};
            for (int i = 0; i < Math.min(parts.length, keys.length); i++) {
                if (!parts[i].isEmpty()) {
                    out.put(keys[i], parts[i]);
                }
            }
            return out;
        }
    }
}
