package io.strait.agent.token;

import io.strait.ca.token.JoinToken;
import io.strait.ca.token.JoinTokens;
import io.strait.ca.token.TokenRejected;
import java.time.Duration;
import java.time.Instant;

/**
 * What the agent checks in its join token before it calls the CA, so a mistake is named here rather than as the
 * CA's refusal: the token must be readable, name the namespace and service account the flags give, and not have
 * expired. The signature is the CA's to check (the agent cannot: it has no trusted root yet).
 */
public final class TokenCheck {
    private TokenCheck() {
    }

    /**
     * The token's claims when it fits the flags.
     *
     * @throws IllegalArgumentException saying what is wrong and what to do
     */
    public static JoinToken check(String token, String namespace, String serviceAccount, Instant now) {
        JoinToken claims;
        try {
            claims = JoinTokens.unverifiedClaims(token);
        } catch (TokenRejected e) {
            throw new IllegalArgumentException(e.getMessage() + "; pass the token strait token create printed");
        }
        String ns = claims.identity().namespace();
        String sa = claims.identity().serviceAccount();
        if (!ns.equals(namespace) || !sa.equals(serviceAccount)) {
            throw new IllegalArgumentException("the join token is for namespace " + ns + ", service account " + sa + " ("
                    + claims.identity().uri() + "), not namespace " + namespace + ", service account " + serviceAccount
                    + " as --namespace/--service-account say; create a token for this workload");
        }
        if (!now.isBefore(claims.expiresAt())) {
            throw new IllegalArgumentException("the join token (id " + claims.id() + ") expired at " + claims.expiresAt() + ", "
                    + ago(Duration.between(claims.expiresAt(), now)) + " ago; create a new one with strait token create");
        }
        return claims;
    }

    private static String ago(Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return s + "s";
        }
        if (s < 7200) {
            return (s / 60) + "m";
        }
        return (s / 3600) + "h";
    }
}
