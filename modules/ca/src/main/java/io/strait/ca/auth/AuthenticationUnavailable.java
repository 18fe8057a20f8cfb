package io.strait.ca.auth;

/**
 * The caller's credential could not be checked now — the Kubernetes API server that must review it is unreachable,
 * timed out or refused the CA itself — so the answer is neither yes nor no. The CA fails closed with UNAVAILABLE, which
 * an agent retries, rather than UNAUTHENTICATED, which tells it its credential is bad.
 */
public final class AuthenticationUnavailable extends AuthenticationFailed {
    public AuthenticationUnavailable(String message) {
        super(message);
    }
}
