package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;

/**
 * IST0149: a route on JWT claims ({@code @request.auth.claims.…} or {@code @request.auth.claims[…]} headers) at a
 * gateway needs, for each pod of that gateway, a RequestAuthentication in istio-system or the pod's namespace whose
 * selector matches the pod: without one the claims are never set and the route never matches. A gateway that does
 * not exist is left to {@code virtualservice.GatewayAnalyzer}.
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
            String key = claimKey(vs.spec());
            if (key == null) {
                continue;
            }
            for (GatewayReferences.Ref ref : GatewayReferences.of(vs)) {
                Optional<AnalysisInput.Doc> gw = in.find("Gateway", ref.namespace(), ref.name());
                if (gw.isEmpty()) {
                    continue;
                }
                for (AnalysisInput.Doc pod : GatewayWorkloads.pods(in, gw.get())) {
                    boolean authenticated = in.all("RequestAuthentication").stream()
                            .filter(ra -> ra.namespace().equals(AnalysisInput.DEFAULT_GATEWAY_NAMESPACE) || ra.namespace().equals(pod.namespace()))
                            .anyMatch(ra -> pod.labels().entrySet().containsAll(
                                    AnalysisInput.strings(ra.spec().path("selector").path("matchLabels")).entrySet()));
                    if (!authenticated) {
                        out.error("IST0149", vs, ref.path(), "The virtual service uses the JWT claim based routing (key: " + key
                                + ") but found no request authentication for the gateway (" + ref.fullName() + ") pod (" + pod.name()
                                + "). The request authentication must first be applied for the gateway pods to validate the JWT token "
                                + "and make the claims available for routing.");
                    }
                }
            }
        }
    }

    /** The first header (or withoutHeaders) name of an HTTP match that routes on a JWT claim, or null. */
    private static String claimKey(JsonNode spec) {
        for (JsonNode http : spec.path("http")) {
            for (JsonNode match : http.path("match")) {
                for (String field : new String[] {"headers", "withoutHeaders"}) {
                    for (Iterator<String> it = match.path(field).fieldNames(); it.hasNext(); ) {
                        String name = it.next();
                        if (isClaim(name)) {
                            return name;
                        }
                    }
                }
            }
        }
        return null;
    }

    private static boolean isClaim(String header) {
        if (!header.toLowerCase(Locale.ROOT).startsWith(CLAIM_PREFIX)) {
            return false;
        }
        String rest = header.substring(CLAIM_PREFIX.length());
        return rest.startsWith(".") && rest.length() > 1 || rest.startsWith("[") && rest.endsWith("]") && rest.length() > 2;
    }
}
