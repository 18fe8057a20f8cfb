package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Istio's {@code destinationrule.CaCertificateAnalyzer}. IST0128 / IST0129: a DestinationRule originating TLS
 * (SIMPLE or MUTUAL) at destination or port level gives CA certificates to verify the server; a credentialName
 * carries them only for the workloads it selects. Unlike Istio, a TLS setting with {@code insecureSkipVerify: true} is not reported:
 * it says in so many words that the server is not to be verified.
 */
public final class CaCertificateAnalyzer implements Analyzer {
    @Override
    public String name() {
        return "destinationrule.CaCertificateAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        for (AnalysisInput.Doc dr : in.all("DestinationRule")) {
            boolean selects = dr.spec().has("workloadSelector");
            String host = dr.spec().path("host").asText();
            JsonNode policy = dr.spec().path("trafficPolicy");
            if (unverified(policy.path("tls"), selects)) {
                out.warning("IST0128", dr, "spec.trafficPolicy.tls", "DestinationRule " + dr.namespace() + "/" + dr.name()
                        + " in namespace " + dr.namespace() + " has TLS mode set to " + policy.path("tls").path("mode").asText()
                        + " but no caCertificates are set to validate server identity for host: " + host);
            }
            JsonNode ports = policy.path("portLevelSettings");
            for (int i = 0; i < ports.size(); i++) {
                JsonNode tls = ports.path(i).path("tls");
                if (unverified(tls, selects)) {
                    // Istio prints the port selector as protobuf text ("number:443")
                    out.warning("IST0129", dr, "spec.trafficPolicy.portLevelSettings[" + i + "].tls", "DestinationRule "
                            + dr.namespace() + "/" + dr.name() + " in namespace " + dr.namespace() + " has TLS mode set to "
                            + tls.path("mode").asText() + " but no caCertificates are set to validate server identity for host: "
                            + host + " at port " + portText(ports.path(i).path("port")));
                }
            }
        }
    }

    private static String portText(JsonNode port) {
        return port.path("number").isMissingNode() ? "" : "number:" + port.path("number").asText();
    }

    private static boolean unverified(JsonNode tls, boolean selectsWorkloads) {
        String mode = tls.path("mode").asText("");
        if (!(mode.equals("SIMPLE") || mode.equals("MUTUAL")) || tls.path("insecureSkipVerify").asBoolean(false)) {
            return false;
        }
        boolean credential = !tls.path("credentialName").asText("").isEmpty() && selectsWorkloads;
        return tls.path("caCertificates").asText("").isEmpty() && !credential;
    }
}
