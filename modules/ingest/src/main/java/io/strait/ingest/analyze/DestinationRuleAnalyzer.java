package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;

/** IST0101: every subset a VirtualService routes or mirrors to is defined by a DestinationRule for that host. */
public final class DestinationRuleAnalyzer implements Analyzer {
    @Override
    public String name() {
        return "virtualservice.DestinationRuleAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        // DestinationRules by their exact host, and those with a wildcard host: a lookup per destination, not a scan
        java.util.Map<String, java.util.List<AnalysisInput.Doc>> byHost = new java.util.HashMap<>();
        java.util.List<AnalysisInput.Doc> wildcards = new java.util.ArrayList<>();
        for (AnalysisInput.Doc dr : in.all("DestinationRule")) {
            String host = AnalysisInput.fqdn(dr.spec().path("host").asText(""), dr.namespace());
            if (host.contains("*")) {
                wildcards.add(dr);
            } else {
                byHost.computeIfAbsent(host, h -> new java.util.ArrayList<>()).add(dr);
            }
        }
        for (AnalysisInput.Doc vs : in.all("VirtualService")) {
            for (VirtualServiceDestinations.Named d : VirtualServiceDestinations.of(vs)) {
                String subset = d.destination().path("subset").asText("");
                if (subset.isEmpty() || d.host().isEmpty()) {
                    continue;
                }
                String host = AnalysisInput.fqdn(d.host(), vs.namespace());
                boolean defined = java.util.stream.Stream.concat(byHost.getOrDefault(host, java.util.List.of()).stream(), wildcards.stream())
                        .filter(dr -> AnalysisInput.visible(AnalysisInput.texts(dr.spec().path("exportTo")), dr.namespace(), vs.namespace()))
                        .filter(dr -> AnalysisInput.hostMatches(AnalysisInput.fqdn(dr.spec().path("host").asText(""), dr.namespace()), host))
                        .anyMatch(dr -> hasSubset(dr.spec().path("subsets"), subset));
                if (!defined) {
                    String what = d.path().contains(".mirror") ? "mirror" : "host";
                    out.error("IST0101", vs, d.path() + ".subset",
                            "Referenced " + what + "+subset in destinationrule not found: \"" + d.host() + "+" + subset + "\"");
                }
            }
        }
    }

    private static boolean hasSubset(JsonNode subsets, String name) {
        for (JsonNode s : subsets) {
            if (name.equals(s.path("name").asText())) {
                return true;
            }
        }
        return false;
    }
}
