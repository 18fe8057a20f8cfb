package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;

/**
 * IST0149: a route on JWT claims ({@code @request.auth.claims.*} headers) at a gateway needs a RequestAuthentication
 * that applies to that gateway's workload; without one the claims are never set and the route never matches.
 */
public final class JwtClaimRouteAnalyzer implements Analyzer {
    private static final String CLAIM_PREFIX = "@request.auth.claims";

    @Override
    public String name() {
        return "virtualservice.JWTClaimRouteAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        for (AnalysisInput.Doc vs : in.all("VirtualService")) {
            if (!routesOnClaims(vs.spec())) {
                continue;
            }
            for (Map.Entry<String, String> ref : GatewayReferences.of(vs).entrySet()) {
                String[] nsName = ref.getValue().split("/", 2);
                Optional<AnalysisInput.Doc> gw = in.find("Gateway", nsName[0], nsName[1]);
                Map<String, String> labels = gw.map(GatewayWorkloads::selector).orElse(Map.of());
                String ns = gw.map(g -> GatewayWorkloads.secretNamespace(in, g)).orElse(nsName[0]);
                boolean authenticated = in.all("RequestAuthentication").stream().anyMatch(ra -> {
                    Map<String, String> sel = AnalysisInput.strings(ra.spec().path("selector").path("matchLabels"));
                    boolean inScope = ra.namespace().equals(ns) || ra.namespace().equals(AnalysisInput.DEFAULT_GATEWAY_NAMESPACE);
                    return inScope && labels.entrySet().containsAll(sel.entrySet());
                });
                if (!authenticated) {
                    out.error("IST0149", vs, ref.getKey(), "This route matches on JWT claims (" + CLAIM_PREFIX + ".*) at gateway "
                            + ref.getValue() + ", but no RequestAuthentication applies to that gateway's workload " + labels);
                }
            }
        }
    }

    private static boolean routesOnClaims(JsonNode spec) {
        for (JsonNode http : spec.path("http")) {
            for (JsonNode match : http.path("match")) {
                for (var it = match.path("headers").fieldNames(); it.hasNext(); ) {
                    if (it.next().startsWith(CLAIM_PREFIX)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
