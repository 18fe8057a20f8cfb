package io.strait.ca.auth;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a caller of the CA presented: the bearer token of its {@code authorization} header (null if none), the
 * certificate chain of its TLS session (empty if it sent none) and the cluster it says it runs in (Istio's
 * {@code clusterid} metadata; null if none). Authenticators decide what it proves.
 *
 * @param bearerToken the token after {@code Bearer }, or null
 * @param peerChain   the client certificate chain, leaf first
 * @param clusterId   the caller's claimed cluster, which picks the API server that reviews a Kubernetes token; null
 *                    for the default one
 */
public record CallerCredentials(String bearerToken, List<X509Certificate> peerChain, String clusterId) {
    public CallerCredentials {
        peerChain = peerChain == null ? List.of() : List.copyOf(peerChain);
        clusterId = clusterId == null || clusterId.isBlank() ? null : clusterId.strip();
    }

    /** Credentials without a cluster id. */
    public CallerCredentials(String bearerToken, List<X509Certificate> peerChain) {
        this(bearerToken, peerChain, null);
    }

    @Override
    public String toString() {
        // never the token itself
        return "CallerCredentials[token=" + (bearerToken == null ? "none" : "present") + ", certificates=" + peerChain.size()
                + ", cluster=" + clusterId + "]";
    }
}
