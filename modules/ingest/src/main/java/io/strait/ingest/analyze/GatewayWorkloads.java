package io.strait.ingest.analyze;

import java.util.List;
import java.util.Map;

/** Where a Gateway runs: the pods its selector picks, and the namespace its secrets come from. */
final class GatewayWorkloads {
    private GatewayWorkloads() {
    }

    static Map<String, String> selector(AnalysisInput.Doc gw) {
        return AnalysisInput.strings(gw.spec().path("selector"));
    }

    static List<AnalysisInput.Doc> pods(AnalysisInput in, AnalysisInput.Doc gw) {
        Map<String, String> selector = selector(gw);
        return selector.isEmpty() ? List.of() : in.pods(null, selector);
    }

    /**
     * The namespace whose secrets a gateway's {@code credentialName} refers to: that of the pods it selects; with no
     * pod given, Istio's default ingress gateway ({@code istio: ingressgateway}) lives in istio-system, and any other
     * gateway is taken to run in its own namespace.
     */
    static String secretNamespace(AnalysisInput in, AnalysisInput.Doc gw) {
        List<AnalysisInput.Doc> pods = pods(in, gw);
        if (!pods.isEmpty()) {
            return pods.get(0).namespace();
        }
        return "ingressgateway".equals(selector(gw).get("istio")) ? AnalysisInput.DEFAULT_GATEWAY_NAMESPACE : gw.namespace();
    }
}
