package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Istio's rules of RequestAuthentication and PeerAuthentication beyond {@link SecurityValidators} and the
 * schema: selectors and target kinds, inline JWKS that parse (and hold public keys only).
 */
final class AuthenticationRules {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AuthenticationRules() {
    }

    static void requestAuthentication(Report report, JsonNode spec) {
        LabelForms.selector(report, "spec.selector", spec.get("selector"), "matchLabels", "", "", false);
        FieldForms.targetRefs(report, spec);
        JsonNode rules = spec.path("jwtRules");
        for (int i = 0; i < rules.size(); i++) {
            String jwks = FieldForms.text(rules.path(i), "jwks");
            if (!jwks.isEmpty()) {
                jwks(report, "spec.jwtRules[" + i + "].jwks", jwks);
            }
        }
    }

    static void peerAuthentication(Report report, JsonNode spec) {
        LabelForms.selector(report, "spec.selector", spec.get("selector"), "matchLabels", "", "", false);
    }

    /** A JWK set ({@code {"keys": [...]}}) or a single JWK, each key with its type; private material is warned of. */
    private static void jwks(Report report, String path, String text) {
        JsonNode doc;
        try {
            doc = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            report.error(path, "jwks parse error: failed to unmarshal JWK set: " + e.getOriginalMessage());
            return;
        }
        if (doc == null || !doc.isObject()) {
            report.error(path, "jwks parse error: failed to unmarshal JWK set: not a JSON object");
            return;
        }
        JsonNode keys = doc.has("keys") ? doc.get("keys") : JSON.createArrayNode().add(doc);
        if (!keys.isArray()) {
            report.error(path, "jwks parse error: failed to unmarshal JWK set: keys must be an array");
            return;
        }
        for (int i = 0; i < keys.size(); i++) {
            JsonNode key = keys.get(i);
            String kty = key.path("kty").asText("");
            if (kty.isEmpty()) {
                report.error(path, "jwks parse error: failed to parse key at index " + i + ": invalid key type from JSON ()");
                return;
            }
            // "d" is the private exponent or scalar of RSA, EC and OKP keys; an "oct" key is a shared secret
            if (key.has("d") || kty.equals("oct")) {
                report.warning(path, "jwks key at index " + i + " contains private key material; only public keys are used for verification");
            }
        }
    }
}
