package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Istio's {@code deployment.ApplicationUIDAnalyzer}. IST0144: a Pod or Deployment of the registry runs its
 * application as user 1337 ({@code runAsUser} of the pod, or of a container other than {@code istio-proxy}).
 * Strait's Envoy sidecars take the pod's traffic through Istio's iptables capture, which lets the proxy's own user,
 * 1337, out uncaptured: an application running as 1337 bypasses its sidecar. Istio's control plane (labelled
 * {@code istio} or {@code release: istio}) and Kubernetes' system namespaces are left out.
 */
public final class ApplicationUidAnalyzer implements Analyzer {
    private static final int PROXY_UID = 1337;

    @Override
    public String name() {
        return "deployment.ApplicationUIDAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        for (AnalysisInput.Doc pod : in.all("Pod")) {
            check(pod, pod.spec(), "spec", out);
        }
        for (AnalysisInput.Doc d : in.all("Deployment")) {
            check(d, d.spec().path("template").path("spec"), "spec.template.spec", out);
        }
    }

    /** One message per resource, at the first place that asks for the proxy's user (Istio reports it once too). */
    private static void check(AnalysisInput.Doc doc, JsonNode podSpec, String path, Messages out) {
        Map<String, String> labels = doc.labels();
        if (labels.containsKey("istio") || "istio".equals(labels.get("release")) || Workloads.systemNamespace(doc.namespace())) {
            return;
        }
        String at = null;
        if (runsAsProxy(podSpec.path("securityContext"))) {
            at = path + ".securityContext.runAsUser";
        } else {
            JsonNode containers = podSpec.path("containers");
            for (int i = 0; i < containers.size() && at == null; i++) {
                String name = containers.path(i).path("name").asText("");
                if (!name.equals("istio-proxy") && !name.equals("istio-operator") && runsAsProxy(containers.path(i).path("securityContext"))) {
                    at = path + ".containers[" + i + "].securityContext.runAsUser";
                }
            }
        }
        if (at != null) {
            out.warning("IST0144", doc, at, "User ID (UID) 1337 is reserved for the sidecar proxy.");
        }
    }

    private static boolean runsAsProxy(JsonNode securityContext) {
        return securityContext.path("runAsUser").asText("").equals(String.valueOf(PROXY_UID));
    }
}
