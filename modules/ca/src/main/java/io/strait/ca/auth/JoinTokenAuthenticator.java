package io.strait.ca.auth;

import io.strait.ca.identity.SpiffeId;
import io.strait.ca.token.JoinToken;
import io.strait.ca.token.JoinTokens;
import io.strait.ca.token.TokenRejected;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A bearer join token: its identity, once {@link JoinTokens} verifies it. Logs the token's id, never the token. */
public final class JoinTokenAuthenticator implements CallerAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(JoinTokenAuthenticator.class);
    private final Supplier<JoinTokens> tokens;

    /** @param tokens the current verifier (it changes when the CA's keys are reloaded) */
    public JoinTokenAuthenticator(Supplier<JoinTokens> tokens) {
        this.tokens = tokens;
    }

    @Override
    public Optional<SpiffeId> authenticate(CallerCredentials credentials) throws AuthenticationFailed {
        if (credentials.bearerToken() == null) {
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
