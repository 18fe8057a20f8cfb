package io.strait.ingest.analyze;

/**
 * IST0174: a DestinationRule's host matches a service of the registry (a Kubernetes Service or a ServiceEntry host)
 * visible from the rule's namespace; otherwise its policy applies to nothing.
 */
public final class DestinationRuleHostAnalyzer implements Analyzer {
    @Override
    public String name() {
        return "destinationrule.DestinationRuleHostAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        for (AnalysisInput.Doc dr : in.all("DestinationRule")) {
            String host = dr.spec().path("host").asText("");
            if (host.isEmpty()) {
                continue; // a schema error already
            }
            if (in.lookup(AnalysisInput.fqdn(host, dr.namespace()), dr.namespace()).isEmpty()) {
                out.warning("IST0174", dr, "spec.host", "The host " + host
                        + " defined in the DestinationRule does not match any services in the mesh.");
            }
        }
    }
}
