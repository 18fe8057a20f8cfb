package io.strait.ca.auth;

import io.strait.ca.identity.SpiffeId;
import java.util.Optional;

/**
 * One way a caller proves its identity to the CA: an existing workload certificate
 * ({@link ClientCertificateAuthenticator}), a join token ({@link JoinTokenAuthenticator}), or a Kubernetes
 * service-account token checked by a TokenReview ({@link KubernetesTokenAuthenticator}, with {@code --kubernetes-tokens}).
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
