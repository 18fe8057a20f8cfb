package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.Kind;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/** Field rules of PeerAuthentication, AuthorizationPolicy and RequestAuthentication; Istio's further rules in {@link AuthorizationPolicyRules} and {@link AuthenticationRules}. */
final class SecurityValidators {
    private SecurityValidators() {
    }

    static void register(Map<Kind, ResourceValidator> byKind) {
        byKind.put(Kind.PEER_AUTHENTICATION, SecurityValidators::peerAuthentication);
        byKind.put(Kind.AUTHORIZATION_POLICY, SecurityValidators::authorizationPolicy);
        byKind.put(Kind.REQUEST_AUTHENTICATION, SecurityValidators::requestAuthentication);
    }

    static void peerAuthentication(LoadedResource r, Findings f) {
        JsonNode spec = PolicyRules.spec(r);
        AuthenticationRules.peerAuthentication(new Report(r, f), spec);
        PolicyRules.selectorLabels(r, spec, f);
        JsonNode ports = spec.get("portLevelMtls");
        permissiveForGrpc(r, f, "spec.mtls.mode", spec.path("mtls").path("mode").asText(""));
        if (ports == null) {
            return;
        }
        ports.fields().forEachRemaining(e -> permissiveForGrpc(r, f, "spec.portLevelMtls." + e.getKey() + ".mode",
                e.getValue().path("mode").asText("")));
        if (spec.path("selector").path("matchLabels").isEmpty()) {
            f.error(r, Findings.SCHEMA, "spec.portLevelMtls", "portLevelMtls requires selector: port-level settings apply to the selected workloads only");
        }
        ports.fieldNames().forEachRemaining(port -> PolicyRules.portKey(r, port, "spec.portLevelMtls." + port, f));
    }

    /**
     * What PERMISSIVE means for a proxyless gRPC server: gRPC's filter chains cannot tell TLS from plain text (A36
     * matches neither transport protocol nor ALPN), so it gets one chain, plain text, as Istio gives it; gRPC clients
     * of the mesh then call it in plain text too (auto mTLS uses mTLS only towards STRICT). Envoy sidecars accept both.
     */
    private static void permissiveForGrpc(LoadedResource r, Findings f, String path, String mode) {
        if (mode.equals("PERMISSIVE")) {
            f.warning(r, "STR0006", path, "PERMISSIVE: Envoy sidecars accept mTLS and plain text, but a proxyless gRPC "
                    + "server cannot serve both on one port and accepts plain text only (as with Istio); use STRICT "
                    + "for mTLS to gRPC servers");
        }
    }

    static void authorizationPolicy(LoadedResource r, Findings f) {
        JsonNode spec = PolicyRules.spec(r);
        AuthorizationPolicyRules.check(new Report(r, f), spec);
        PolicyRules.selection(r, spec, f);
        JsonNode rules = spec.path("rules");
        for (int i = 0; i < rules.size(); i++) {
            JsonNode from = rules.path(i).path("from");
            for (int j = 0; j < from.size(); j++) {
                JsonNode source = from.path(j).path("source");
                boolean accounts = source.has("serviceAccounts") || source.has("notServiceAccounts");
                boolean others = source.has("namespaces") || source.has("notNamespaces") || source.has("principals")
                        || source.has("notPrincipals");
                if (accounts && others) {
                    // the CRD rule's words (the API server says them before the webhook's lower-case form), and the
                    // webhook's rule index
                    f.error(r, Findings.SCHEMA, "spec.rules[" + i + "].from[" + j + "].source",
                            "Cannot set serviceAccounts with namespaces or principals, found at rule " + i + " (name the caller one way)");
                }
            }
        }
        if ("CUSTOM".equals(spec.path("action").asText()) && spec.path("provider").path("name").asText().isEmpty()) {
            f.error(r, Findings.SCHEMA, "spec.provider.name", "action CUSTOM needs a provider name");
        }
        GrpcAuthorization.notices(r, spec, f);
    }

    static void requestAuthentication(LoadedResource r, Findings f) {
        JsonNode spec = PolicyRules.spec(r);
        AuthenticationRules.requestAuthentication(new Report(r, f), spec);
        PolicyRules.selection(r, spec, f);
        JsonNode rules = spec.path("jwtRules");
        if (!rules.isEmpty()) {
            // said once per policy, as for AuthorizationPolicy: which workloads are gRPC servers is known only when they connect
            f.warning(r, "STR0006", "spec.jwtRules", "proxyless gRPC servers validate no JWT (grpc-java has no jwt_authn): "
                    + "on them this RequestAuthentication has no effect, a token is neither checked nor passed on as a "
                    + "principal, so an AuthorizationPolicy requiring requestPrincipals allows nothing there (failing "
                    + "closed); Envoy sidecars and gateways enforce it");
        }
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.path(i);
            String path = "spec.jwtRules[" + i + "]";
            if (rule.isNull()) {
                f.error(r, Findings.SCHEMA, path, "must be of type object: \"null\"");
                continue;
            }
            if (rule.path("issuer").asText().isEmpty()) {
                f.error(r, Findings.SCHEMA, path + ".issuer", "Required value: a JWT rule needs an issuer");
            }
            if (rule.hasNonNull("jwksUri")) {
                String uri = rule.get("jwksUri").asText();
                try {
                    URI u = new URI(uri);
                    if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
                        f.error(r, Findings.SCHEMA, path + ".jwksUri", "url must have scheme http:// or https://: \"" + uri + "\"");
                    }
                } catch (URISyntaxException e) {
                    f.error(r, Findings.SCHEMA, path + ".jwksUri", "url must have scheme http:// or https://: " + e.getReason());
                }
            }
            if (rule.hasNonNull("timeout") && io.strait.model.istio.Durations.nanos(rule.get("timeout").asText()) <= 1_000_000) {
                f.error(r, Findings.SCHEMA, path + ".timeout", "must be a valid duration greater than 1ms");
            }
            JsonNode claims = rule.path("outputClaimToHeaders");
            for (int j = 0; j < claims.size(); j++) {
                if (claims.path(j).isNull()) {
                    f.error(r, Findings.SCHEMA, path + ".outputClaimToHeaders[" + j + "]", "must be of type object: \"null\"");
                }
            }
        }
    }
}
