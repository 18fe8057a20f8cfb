package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * IST0166: an AuthorizationPolicy, RequestAuthentication, Telemetry or WasmPlugin whose workload selector picks
 * the pod of a Kubernetes Gateway (a pod labelled {@code gateway.networking.k8s.io/gateway-name}), where Istio
 * ignores selectors and only a {@code targetRef} attaches a policy. One message per gateway pod picked.
 */
final class GatewayApiSelectorAnalyzer implements Analyzer {
    private static final String GATEWAY_NAME = "gateway.networking.k8s.io/gateway-name";
    private static final List<String> POLICY_KINDS = List.of("AuthorizationPolicy", "RequestAuthentication", "Telemetry",
            "WasmPlugin");

    @Override
    public String name() {
        return "k8sgateway.SelectorAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        Map<String, List<Map<String, String>>> gatewayPods = new HashMap<>();
        for (AnalysisInput.Doc pod : in.all("Pod")) {
            Map<String, String> labels = pod.labels();
            if (labels.containsKey(GATEWAY_NAME)) {
                gatewayPods.computeIfAbsent(pod.namespace(), k -> new ArrayList<>()).add(labels);
            }
        }
        if (gatewayPods.isEmpty()) {
            return;
        }
        for (String kind : POLICY_KINDS) {
            for (AnalysisInput.Doc policy : in.all(kind)) {
                JsonNode selector = policy.spec().path("selector");
                // Istio looks at the single targetRef only; a policy with targetRefs and a selector is still reported
                JsonNode targetRef = policy.spec().path("targetRef");
                if (!targetRef.isMissingNode() && !targetRef.isNull() || !selector.isObject()) {
                    continue;
                }
                Map<String, String> wanted = AnalysisInput.strings(selector.path("matchLabels"));
                for (Map<String, String> labels : gatewayPods.getOrDefault(policy.namespace(), List.of())) {
                    if (labels.entrySet().containsAll(wanted.entrySet())) {
                        out.warning("IST0166", policy, "spec.selector", "Ineffective selector on Kubernetes Gateway "
                                + labels.get(GATEWAY_NAME) + ". Use the TargetRef field instead.");
                    }
                }
            }
        }
    }
}
