package io.strait.ca.token;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.model.json.Json;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The header and claims of a compact JWT read <em>without verifying its signature</em>. Nothing here is trusted to
 * authenticate anyone: the CA uses it to tell a join token from a Kubernetes token and to bound how long a review is
 * cached; the agent uses it to name a mistake (a token of another service account, an expired one) before it calls the
 * CA. Whoever issued the token — the CA, or the API server through a TokenReview — is the one that decides.
 *
 * @param header  the decoded header object
 * @param payload the decoded payload object
 */
public record UnverifiedJwt(JsonNode header, JsonNode payload) {
    /** The JWT in {@code token}, or empty when it is not three base64url parts of which the first two are JSON objects. */
    public static Optional<UnverifiedJwt> read(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String[] parts = token.strip().split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode h = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[0]));
            JsonNode p = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (h == null || !h.isObject() || p == null || !p.isObject()) {
                return Optional.empty();
            }
            return Optional.of(new UnverifiedJwt(h, p));
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }

    /** The header's {@code typ}, or "" when absent. */
    public String type() {
        return header.path("typ").asText("");
    }

    /** The {@code exp} claim, if it is a number. */
    public Optional<Instant> expiresAt() {
        JsonNode exp = payload.path("exp");
        return exp.canConvertToLong() && exp.isNumber() ? Optional.of(Instant.ofEpochSecond(exp.asLong())) : Optional.empty();
    }

    /** A string claim, or "" when absent or not a string. */
    public String claim(String name) {
        JsonNode n = payload.path(name);
        return n.isTextual() ? n.asText() : "";
    }
}
