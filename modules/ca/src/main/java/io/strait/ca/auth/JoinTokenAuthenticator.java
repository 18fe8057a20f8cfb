package io.strait.ca.auth;

import io.strait.ca.identity.SpiffeId;
import io.strait.ca.token.JoinToken;
import io.strait.ca.token.JoinTokens;
import io.strait.ca.token.TokenRejected;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bearer join token: its identity, once {@link JoinTokens} verifies it. Logs the token's id, never the token. When the
 * CA also accepts Kubernetes service-account tokens, bearer tokens that are not join tokens (by their header's
 * {@code typ}) are left to that authenticator, so a caller's refusal names only the check that applies to it.
 */
public final class JoinTokenAuthenticator implements CallerAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(JoinTokenAuthenticator.class);
    private final Supplier<JoinTokens> tokens;
    private final boolean othersTakeForeignTokens;

    /** @param tokens the current verifier (it changes when the CA's keys are reloaded) */
    public JoinTokenAuthenticator(Supplier<JoinTokens> tokens) {
        this(tokens, false);
    }

    /**
     * @param othersTakeForeignTokens true when another authenticator checks bearer tokens that are not join tokens:
     *                                this one then passes them by instead of refusing them
     */
    public JoinTokenAuthenticator(Supplier<JoinTokens> tokens, boolean othersTakeForeignTokens) {
        this.tokens = tokens;
        this.othersTakeForeignTokens = othersTakeForeignTokens;
    }

    @Override
    public Optional<SpiffeId> authenticate(CallerCredentials credentials) throws AuthenticationFailed {
        if (credentials.bearerToken() == null || othersTakeForeignTokens && !JoinTokens.isJoinToken(credentials.bearerToken())) {
            return Optional.empty();
        }
        try {
            JoinToken t = tokens.get().verify(credentials.bearerToken());
            LOG.debug("join token {} accepted for {}", t.id(), t.identity());
            return Optional.of(t.identity());
        } catch (TokenRejected e) {
            throw new AuthenticationFailed(e.getMessage());
        }
    }

    @Override
    public String name() {
        return "join-token";
    }
}
