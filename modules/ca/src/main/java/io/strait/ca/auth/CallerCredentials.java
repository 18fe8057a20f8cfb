package io.strait.ca.auth;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a caller of the CA presented: the bearer token of its {@code authorization} header (null if none) and the
 * certificate chain of its TLS session (empty if it sent none). Authenticators decide what it proves.
 *
 * @param bearerToken the token after {@code Bearer }, or null
 * @param peerChain   the client certificate chain, leaf first
 */
public record CallerCredentials(String bearerToken, List<X509Certificate> peerChain) {
    public CallerCredentials {
        peerChain = peerChain == null ? List.of() : List.copyOf(peerChain);
    }

    @Override
    public String toString() {
        // never the token itself
        return "CallerCredentials[token=" + (bearerToken == null ? "none" : "present") + ", certificates=" + peerChain.size() + "]";
    }
}
