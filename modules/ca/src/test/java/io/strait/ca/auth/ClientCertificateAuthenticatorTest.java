package io.strait.ca.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strait.ca.TestPki;
import io.strait.ca.identity.SpiffeId;
import io.strait.ca.issue.CertificateAuthority;
import io.strait.ca.issue.IssuancePolicy;
import io.strait.ca.keys.CaKeys;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.SelfSignedRoot;
import io.strait.ca.token.JoinTokens;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientCertificateAuthenticatorTest {
    private final Clock clock = Clock.systemUTC();
    private final CaKeys keys = SelfSignedRoot.create(KeyType.ECDSA, "cluster.local", clock);
    private final CertificateAuthority ca = new CertificateAuthority(keys, IssuancePolicy.ISTIO, clock);
    private final SpiffeId reviews = new SpiffeId("cluster.local", "bookinfo", "reviews");
    private final ClientCertificateAuthenticator certs = new ClientCertificateAuthenticator(() -> keys, "cluster.local", clock);

    @Test
    void aMeshCertificateProvesItsIdentity() throws Exception {
        List<X509Certificate> chain = ca.sign(TestPki.csr(KeyType.ECDSA.generate(), List.of(), List.of()), reviews, Duration.ZERO);
        assertThat(certs.authenticate(new CallerCredentials(null, chain))).contains(reviews);
        assertThat(certs.authenticate(new CallerCredentials(null, List.of()))).isEmpty();
    }

    @Test
    void certificatesOfAnotherMeshOrTheCaItselfProveNothing() throws Exception {
        CaKeys other = SelfSignedRoot.create(KeyType.ECDSA, "cluster.local", clock);
        List<X509Certificate> foreign = new CertificateAuthority(other, IssuancePolicy.ISTIO, clock)
                .sign(TestPki.csr(KeyType.ECDSA.generate(), List.of(), List.of()), reviews, Duration.ZERO);
        assertThatThrownBy(() -> certs.authenticate(new CallerCredentials(null, foreign)))
                .isInstanceOf(AuthenticationFailed.class).hasMessageContaining("does not chain to a root of this mesh");
        assertThatThrownBy(() -> certs.authenticate(new CallerCredentials(null, List.of(keys.root()))))
                .hasMessageContaining("is a CA certificate");
        List<X509Certificate> noSpiffe = ca.signServing(KeyType.ECDSA.generate().getPublic(), List.of("localhost"), List.of(), Duration.ofHours(1));
        assertThatThrownBy(() -> certs.authenticate(new CallerCredentials(null, noSpiffe))).hasMessageContaining("carries 0 SPIFFE URIs");
    }

    @Test
    void anotherTrustDomainIsRefused() throws Exception {
        CaKeys td = SelfSignedRoot.create(KeyType.ECDSA, "other.org", clock);
        List<X509Certificate> chain = new CertificateAuthority(td, IssuancePolicy.ISTIO, clock)
                .sign(TestPki.csr(KeyType.ECDSA.generate(), List.of(), List.of()), new SpiffeId("other.org", "a", "b"), Duration.ZERO);
        assertThatThrownBy(() -> new ClientCertificateAuthenticator(() -> td, "cluster.local", clock)
                .authenticate(new CallerCredentials(null, chain))).hasMessageContaining("is not in trust domain cluster.local");
    }

    @Test
    void everyReasonIsGivenWhenNothingAuthenticates() {
        Authenticators all = new Authenticators(List.of(certs,
                new JoinTokenAuthenticator(() -> new JoinTokens(keys, "cluster.local", clock))));
        assertThatThrownBy(() -> all.authenticate(new CallerCredentials("a.b.c", List.of(keys.root()))))
                .hasMessageContaining("client-certificate: ").hasMessageContaining("join-token: ");
        assertThat(new CallerCredentials("secret-token", List.of()).toString()).doesNotContain("secret-token");
    }
}
