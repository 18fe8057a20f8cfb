package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * IST0101: every gateway a VirtualService binds to exists. IST0132: at least one of the VirtualService's hosts is
 * served by each gateway it binds to (a missing gateway serves none).
 */
public final class VirtualServiceGatewayAnalyzer implements Analyzer {
    @Override
    public String name() {
        return "virtualservice.GatewayAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        for (AnalysisInput.Doc vs : in.all("VirtualService")) {
            List<String> vsHosts = AnalysisInput.texts(vs.spec().path("hosts"));
            for (Map.Entry<String, String> ref : GatewayReferences.of(vs).entrySet()) {
                String[] nsName = ref.getValue().split("/", 2);
                Optional<AnalysisInput.Doc> gw = in.find("Gateway", nsName[0], nsName[1]);
                if (gw.isEmpty()) {
                    out.error("IST0101", vs, ref.getKey(), "Referenced gateway not found: \"" + ref.getValue() + "\"");
                }
                List<String> gwHosts = gw.map(VirtualServiceGatewayAnalyzer::serverHosts).orElse(List.of());
                boolean served = vsHosts.stream().anyMatch(h -> gwHosts.stream().anyMatch(g -> AnalysisInput.hostsOverlap(g, h)));
                if (!served) {
                    out.warning("IST0132", vs, ref.getKey(), "one or more host " + vsHosts + " defined in VirtualService "
                            + vs.namespace() + "/" + vs.name() + " not found in Gateway " + ref.getValue() + ".");
                }
            }
        }
    }

    /** A gateway's server hosts, without their {@code namespace/} prefix. */
    static List<String> serverHosts(AnalysisInput.Doc gw) {
        List<String> out = new ArrayList<>();
        for (JsonNode server : gw.spec().path("servers")) {
            for (String h : AnalysisInput.texts(server.path("hosts"))) {
                out.add(h.contains("/") ? h.substring(h.indexOf('/') + 1) : h);
            }
        }
        return out;
    }
}
