package io.strait.ca.auth;

import io.strait.ca.identity.SpiffeId;
import io.strait.ca.keys.CaKeys;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Renewal: a workload that holds a valid certificate of this mesh gets a new one for the same identity. The TLS layer
 * has already checked the chain; this checks it again against the current trust bundle (so the rule does not depend on
 * how the server was configured), then reads the identity from the leaf's only SPIFFE URI SAN.
 */
public final class ClientCertificateAuthenticator implements CallerAuthenticator {
    private final Supplier<CaKeys> keys;
    private final String trustDomain;
    private final Clock clock;

    public ClientCertificateAuthenticator(Supplier<CaKeys> keys, String trustDomain, Clock clock) {
        this.keys = keys;
        this.trustDomain = trustDomain;
        this.clock = clock;
    }

    @Override
    public Optional<SpiffeId> authenticate(CallerCredentials credentials) throws AuthenticationFailed {
        List<X509Certificate> chain = credentials.peerChain();
        if (chain.isEmpty()) {
            return Optional.empty();
        }
        X509Certificate leaf = chain.get(0);
        if (leaf.getBasicConstraints() >= 0) {
            throw new AuthenticationFailed("the client certificate is a CA certificate, not a workload certificate");
        }
        verifyChain(chain);
        List<String> uris = spiffeUris(leaf);
        if (uris.size() != 1) {
            throw new AuthenticationFailed("the client certificate carries " + uris.size() + " SPIFFE URIs; a workload certificate carries exactly one");
        }
        SpiffeId id = SpiffeId.tryParse(uris.get(0)).orElseThrow(() ->
                new AuthenticationFailed("the client certificate's identity " + uris.get(0) + " is not spiffe://<td>/ns/<ns>/sa/<sa>"));
        if (!id.trustDomain().equals(trustDomain)) {
            throw new AuthenticationFailed("the client certificate's identity " + id + " is not in trust domain " + trustDomain);
        }
        return Optional.of(id);
    }

    private void verifyChain(List<X509Certificate> chain) throws AuthenticationFailed {
        CaKeys current = keys.get();
        Set<TrustAnchor> anchors = current.roots().stream().map(r -> new TrustAnchor(r, null)).collect(Collectors.toSet());
        // the path handed to PKIX excludes trust anchors the client may have appended
        List<X509Certificate> path = new ArrayList<>(chain);
        path.removeIf(current.roots()::contains);
        try {
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
        } catch (GeneralSecurityException e) {
            throw new AuthenticationFailed("the client certificate does not chain to a root of this mesh or is not valid now: " + e.getMessage());
        }
    }

    private static List<String> spiffeUris(X509Certificate leaf) throws AuthenticationFailed {
        try {
            return SpiffeId.urisOf(leaf);
        } catch (GeneralSecurityException e) {
            throw new AuthenticationFailed("the client certificate's SANs are unreadable");
        }
    }

    @Override
    public String name() {
        return "client-certificate";
    }
}
