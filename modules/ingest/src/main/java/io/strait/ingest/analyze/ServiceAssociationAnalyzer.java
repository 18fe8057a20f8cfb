package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Istio's {@code deployment.ServiceAssociationAnalyzer}, for the Deployments of the registry that are in the mesh
 * ({@link Workloads#inMesh}; waypoints Istio deploys itself are left out) and the Services of their namespace whose
 * selector picks their pods. IST0116: two such Services give one port number different protocols (TCP, UDP, …: a
 * proxy listens on a port with one). IST0137: two such Services send different ports to one target port.
 */
public final class ServiceAssociationAnalyzer implements Analyzer {
    @Override
    public String name() {
        return "deployment.ServiceAssociationAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        List<AnalysisInput.Doc> deployments = in.all("Deployment");
        if (deployments.isEmpty()) {
            return;
        }
        Map<String, List<AnalysisInput.Doc>> servicesByNamespace = new HashMap<>();
        in.all("Service").forEach(s -> servicesByNamespace.computeIfAbsent(s.namespace(), k -> new ArrayList<>()).add(s));
        Map<String, Map<String, String>> namespaces = Workloads.namespaces(in);
        for (AnalysisInput.Doc d : deployments) {
            JsonNode template = d.spec().path("template");
            Map<String, String> podLabels = AnalysisInput.strings(template.path("metadata").path("labels"));
            Map<String, String> podAnnotations = AnalysisInput.strings(template.path("metadata").path("annotations"));
            if (Workloads.systemNamespace(d.namespace())
                    || "istio.io-mesh-controller".equals(d.labels().get("gateway.istio.io/managed"))
                    || !Workloads.inMesh(namespaces.get(d.namespace()), podLabels, podAnnotations, template.path("spec"))) {
                continue;
            }
            List<AnalysisInput.Doc> services = new ArrayList<>();
            for (AnalysisInput.Doc s : servicesByNamespace.getOrDefault(d.namespace(), List.of())) {
                Map<String, String> selector = AnalysisInput.strings(s.spec().path("selector"));
                if (!selector.isEmpty() && Workloads.selects(selector, podLabels)) {
                    services.add(s);
                }
            }
            conflictingProtocols(d, services, out);
            conflictingTargetPorts(d, services, out);
        }
    }

    private static void conflictingProtocols(AnalysisInput.Doc d, List<AnalysisInput.Doc> services, Messages out) {
        // port -> protocol -> services, in the order met
        Map<Integer, Map<String, List<String>>> ports = new LinkedHashMap<>();
        for (AnalysisInput.Doc s : services) {
            for (JsonNode p : s.spec().path("ports")) {
                String protocol = p.path("protocol").asText("");
                ports.computeIfAbsent(p.path("port").asInt(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(protocol.isEmpty() ? "TCP" : protocol, k -> new ArrayList<>())
                        .add(s.namespace() + "/" + s.name());
            }
        }
        ports.forEach((port, protocols) -> {
            if (protocols.size() > 1) {
                List<String> names = protocols.values().stream().flatMap(List::stream).sorted().toList();
                out.warning("IST0116", d, "metadata.name", "This deployment " + d.name() + " is associated with multiple "
                        + "services using port " + port + " but different protocols: " + GoText.list(names));
            }
        });
    }

    private static void conflictingTargetPorts(AnalysisInput.Doc d, List<AnalysisInput.Doc> services, Messages out) {
        // target port -> port -> the (last) service sending it there
        Map<String, Map<Integer, String>> targets = new LinkedHashMap<>();
        for (AnalysisInput.Doc s : services) {
            for (JsonNode p : s.spec().path("ports")) {
                int port = p.path("port").asInt();
                String target = p.path("targetPort").asText("");
                if (target.isEmpty() || target.equals("0")) {
                    target = String.valueOf(port); // Kubernetes' default: the port itself
                }
                targets.computeIfAbsent(target, k -> new TreeMap<>()).put(port, s.namespace() + "/" + s.name());
            }
        }
        targets.forEach((target, byPort) -> {
            if (byPort.size() > 1) {
                out.warning("IST0137", d, "metadata.name", "This deployment " + d.name() + " is associated with multiple "
                        + "services " + GoText.list(byPort.values().stream().sorted().toList()) + " using targetPort " + GoText.quote(target)
                        + " but different ports: " + GoText.list(new ArrayList<>(byPort.keySet())) + ".");
            }
        });
    }
}
