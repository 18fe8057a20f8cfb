package io.strait.ingest.analyze;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a Gateway runs: the pods its selector picks (an empty selector picks every pod, as a Kubernetes label
 * selector does) — those of the files and istioctl analyze's default ingress gateway — and how Istio's messages
 * write the selector.
 */
final class GatewayWorkloads {
    private GatewayWorkloads() {
    }

    static Map<String, String> selector(AnalysisInput.Doc gw) {
        return new TreeMap<>(AnalysisInput.strings(gw.spec().path("selector")));
    }

    /** The path of the selector's first label (where Istio puts a message about the selector), or of the selector. */
    static String selectorPath(AnalysisInput.Doc gw) {
        Map<String, String> selector = selector(gw);
        return selector.isEmpty() ? "spec.selector" : "spec.selector." + selector.keySet().iterator().next();
    }

    /** The pods a gateway selects, among the files' pods and istioctl analyze's default ingress gateway. */
    static List<AnalysisInput.Doc> pods(AnalysisInput in, AnalysisInput.Doc gw) {
        Map<String, String> selector = selector(gw);
        return in.withDefaultIngress("Pod").stream().filter(p -> p.labels().entrySet().containsAll(selector.entrySet())).toList();
    }

    /**
     * The namespace whose secrets a gateway's {@code credentialName} refers to: that of the first pod it selects
     * (Istio assumes a gateway's pods share one namespace), or null when it selects none.
     */
    static String secretNamespace(AnalysisInput in, AnalysisInput.Doc gw) {
        List<AnalysisInput.Doc> pods = pods(in, gw);
        return pods.isEmpty() ? null : pods.get(0).namespace();
    }
}
