package io.strait.xds;

import io.grpc.Status;
import io.strait.ca.identity.SpiffeId;
import io.strait.model.proxy.ProxyIdentity;
import java.util.Optional;
import java.util.Set;

/**
 * Istio's xDS identity check ({@code checkConnectionIdentity} in istiod's {@code pilot/pkg/xds/auth.go}): a stream on
 * the secure port is served only when one of the caller's SPIFFE identities names the namespace and service account
 * the node claims in its metadata, so a proxy gets only its own scope. Stricter than istiod where that is cheap and
 * fails closed: a caller without a certificate is refused (istiod lets it through unless locked down), the trust
 * domain must be the mesh's or an alias, and a node that names no service account is compared as {@code default}
 * (the scope it would be served) rather than skipped. Pure: the caller and the claims in, a refusal or nothing out.
 */
final class NodeAuthorization {
    private final Set<String> trustDomains;

    /** @param trustDomains the mesh's trust domain and its aliases (MeshConfig {@code trustDomainAliases}) */
    NodeAuthorization(Set<String> trustDomains) {
        if (trustDomains.isEmpty()) {
            throw new IllegalArgumentException("the secure xDS port needs the mesh's trust domain");
        }
        this.trustDomains = Set.copyOf(trustDomains);
    }

    /**
     * @param caller the secure-port caller, or null on the plaintext port (nothing to check: the demo port)
     * @param node   what the node claims
     * @return the status the stream ends with, or empty when it may go on
     */
    Optional<Status> refusal(SecureCaller caller, ProxyIdentity node) {
        if (caller == null) {
            return Optional.empty();
        }
        if (!caller.presentedCertificate()) {
            return Optional.of(Status.UNAUTHENTICATED.withDescription("the secure port requires a mesh workload certificate "
                    + "(spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>, from strait cert request or strait agent); "
                    + "node " + node.proxyId() + " presented none"));
        }
        String claimed = node.namespace() + "/" + node.serviceAccount();
        StringBuilder why = new StringBuilder();
        for (String uri : caller.spiffeUris()) {
            Optional<SpiffeId> id = SpiffeId.tryParse(uri);
            if (id.isEmpty()) {
                why.append("; ").append(uri).append(" is not spiffe://<td>/ns/<ns>/sa/<sa>");
            } else if (!trustDomains.contains(id.get().trustDomain())) {
                why.append("; ").append(uri).append(" is not in the mesh's trust domain ").append(String.join(" or ", trustDomains));
            } else if (id.get().namespace().equals(node.namespace()) && id.get().serviceAccount().equals(node.serviceAccount())) {
                return Optional.empty();
            }
        }
        // istiod's words: "authorization failed: no identities (...) matched <ns>/<sa>"
        return Optional.of(Status.PERMISSION_DENIED.withDescription("authorization failed: no identities " + caller.spiffeUris()
                + " matched " + claimed + " (the node's NAMESPACE/SERVICE_ACCOUNT metadata; node " + node.proxyId() + ")" + why));
    }
}
