package io.strait.ca.auth;

import io.strait.ca.identity.SpiffeId;
import java.util.Optional;

/**
 * One way a caller proves its identity to the CA. Strait has two — an existing workload certificate
 * ({@link ClientCertificateAuthenticator}) and a join token ({@link JoinTokenAuthenticator}) — and this is the seam
 * for a third: Kubernetes service-account tokens checked by TokenReview, once a Kubernetes source is configured.
 */
public interface CallerAuthenticator {
    /**
     * The identity the credentials prove, empty when they carry nothing this authenticator reads.
     *
     * @throws AuthenticationFailed when they carry such a credential and it does not hold
     */
    Optional<SpiffeId> authenticate(CallerCredentials credentials) throws AuthenticationFailed;

    /** A short name for messages and metrics, e.g. {@code join-token}. */
    String name();
}
