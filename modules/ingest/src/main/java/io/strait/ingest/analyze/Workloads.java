package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The workloads of the registry as the policy analyzers see them: the pods of the input, and the pod of Istio's
 * default ingress gateway ({@code istio: ingressgateway} in istio-system), which {@code istioctl analyze} assumes
 * runs unless the mesh config turns the ingress controller off — so a policy for that gateway is not reported as
 * selecting nothing when the files do not list its pod. Also the rules that tell which workloads a proxy serves.
 */
final class Workloads {
    /**
     * Kubernetes' own namespaces, whose objects {@code istioctl analyze} leaves out of the analysis; the analyzers
     * of the Kubernetes registry's own objects (Service ports, Deployments, application users) leave them out too.
     */
    private static final Set<String> SYSTEM_NAMESPACES = Set.of("kube-system", "kube-public", "kube-node-lease",
            "local-path-storage");
    private static final String INJECT = "sidecar.istio.io/inject";

    /**
     * A pod.
     *
     * @param doc the pod's document (for the assumed default ingress gateway, the one analysis makes)
     */
    record Pod(String namespace, String name, Map<String, String> labels, Map<String, String> annotations,
               AnalysisInput.Doc doc) {
        /** Whether Istio's CNI redirects the pod's traffic to ztunnel: it has no sidecar for a policy to configure. */
        boolean ambient() {
            return "enabled".equals(annotations.get("ambient.istio.io/redirection"));
        }

        /** Each pod is itself: analyzers index by pod, and the document need not be compared or hashed for that. */
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    private Workloads() {
    }

    /** The pods of the input, then the default ingress gateway istioctl analyze assumes ({@link AnalysisInput#withDefaultIngress}). */
    static List<Pod> pods(AnalysisInput in) {
        List<Pod> out = new ArrayList<>();
        for (AnalysisInput.Doc p : in.withDefaultIngress("Pod")) {
            out.add(new Pod(p.namespace(), p.name(), p.labels(), AnalysisInput.strings(p.metadata().path("annotations")), p));
        }
        return out;
    }

    static boolean systemNamespace(String namespace) {
        return SYSTEM_NAMESPACES.contains(namespace);
    }

    /** True when every label of the selector is on the workload with the same value (an empty selector: always). */
    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return labels.entrySet().containsAll(selector.entrySet());
    }

    /** A selector as Kubernetes writes it: {@code app=a,version=v1}, keys in order. */
    static String selectorText(Map<String, String> selector) {
        return new TreeMap<>(selector).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    /** The labels of every Namespace the input lists, by name. */
    static Map<String, Map<String, String>> namespaces(AnalysisInput in) {
        Map<String, Map<String, String>> out = new HashMap<>();
        in.all("Namespace").forEach(n -> out.putIfAbsent(n.name(), n.labels()));
        return out;
    }

    /**
     * Whether a namespace (its labels; null when not listed) runs its workloads in ambient mode
     * ({@code istio.io/dataplane-mode: ambient}, unless sidecar injection or a revision is also asked for there).
     */
    static boolean ambientNamespace(Map<String, String> labels) {
        return labels != null && !"enabled".equals(labels.get("istio-injection"))
                && labels.getOrDefault("istio.io/rev", "").isEmpty()
                && "ambient".equals(labels.get("istio.io/dataplane-mode"));
    }

    /**
     * Whether a pod (or a Deployment's pod template) is a workload of the mesh. Strait injects no sidecars, so a
     * pod of the registry counts unless it is taken out: {@code sidecar.istio.io/inject: "false"} on the pod (label,
     * else annotation), or, when the pod says nothing, {@code istio-injection: disabled} on its namespace. A pod
     * that runs an {@code istio-proxy} container is always in. (Istio counts only pods it injects or that run a
     * proxy; the two agree on every case of its analyzer test.)
     */
    static boolean inMesh(Map<String, String> namespaceLabels, Map<String, String> labels, Map<String, String> annotations,
                          JsonNode podSpec) {
        for (JsonNode c : podSpec.path("containers")) {
            if (c.path("name").asText("").equals("istio-proxy")) {
                return true;
            }
        }
        String inject = labels.containsKey(INJECT) ? labels.get(INJECT) : annotations.get(INJECT);
        if (inject != null) {
            return !inject.equals("false");
        }
        return namespaceLabels == null || !"disabled".equals(namespaceLabels.get("istio-injection"));
    }
}
