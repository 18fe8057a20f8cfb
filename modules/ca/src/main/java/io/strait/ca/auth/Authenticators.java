package io.strait.ca.auth;

import io.strait.ca.identity.SpiffeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The authenticators the CA accepts, tried in order; the first that proves an identity wins (as Istio's CA server
 * does). A caller none of them authenticates is refused with every reason, so an operator sees, say, both that the
 * token expired and that no client certificate was sent. When one of them could not decide (an API server that must
 * review a token is down), the refusal is {@link AuthenticationUnavailable}, so the caller is told to retry.
 */
public final class Authenticators {
    private final List<CallerAuthenticator> chain;

    public Authenticators(List<CallerAuthenticator> chain) {
        this.chain = List.copyOf(chain);
    }

    /** The caller's identity, or {@link AuthenticationFailed} with why each authenticator refused. */
    public SpiffeId authenticate(CallerCredentials credentials) throws AuthenticationFailed {
        List<String> reasons = new ArrayList<>();
        boolean undecided = false;
        for (CallerAuthenticator a : chain) {
            try {
                Optional<SpiffeId> id = a.authenticate(credentials);
                if (id.isPresent()) {
                    return id.get();
                }
            } catch (AuthenticationFailed e) {
                undecided |= e instanceof AuthenticationUnavailable;
                reasons.add(a.name() + ": " + e.getMessage());
            }
        }
        if (reasons.isEmpty()) {
            throw new AuthenticationFailed("no credentials: send a join token or a Kubernetes service-account token "
                    + "(authorization: Bearer <token>) or a client certificate of this mesh");
        }
        if (undecided) {
            throw new AuthenticationUnavailable(String.join("; ", reasons));
        }
        throw new AuthenticationFailed(String.join("; ", reasons));
    }
}
