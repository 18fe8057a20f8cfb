package io.strait.ca.issue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strait.ca.TestPki;
import io.strait.ca.TestPki.Issued;
import io.strait.ca.identity.SpiffeId;
import io.strait.ca.keys.CaKeys;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.SelfSignedRoot;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {
    /**
     * The CA's clock: now, to the second (X.509 times have seconds). Not a fixed date: the test PKI's roots and
     * intermediates start a day before the wall clock, so a fixed date falls before them a day after it was written.
     */
    private static final Instant NOW = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final CaKeys keys = SelfSignedRoot.create(KeyType.ECDSA, "cluster.local", Clock.offset(clock, Duration.ofDays(-1)));
    private final CertificateAuthority ca = new CertificateAuthority(keys, IssuancePolicy.ISTIO, clock);
    private final SpiffeId reviews = new SpiffeId("cluster.local", "bookinfo", "reviews");
    private final KeyPair workload = KeyType.ECDSA.generate();

    @Test
    void theOnlySanIsTheCallersIdentityNotTheCsrs() throws Exception {
        String csr = TestPki.csr(workload, List.of(), List.of("evil.example.com", "localhost"));
        List<X509Certificate> chain = ca.sign(csr, reviews, Duration.ZERO);
        X509Certificate leaf = chain.get(0);
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(6, "spiffe://cluster.local/ns/bookinfo/sa/reviews"));
        assertThat(leaf.getCriticalExtensionOIDs()).contains("2.5.29.17"); // SAN critical: the subject is empty
        assertThat(leaf.getSubjectX500Principal().getName()).isEmpty();
        assertThat(leaf.getPublicKey()).isEqualTo(workload.getPublic());
        assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(chain).hasSize(2).last().isEqualTo(keys.root());
        verify(chain, keys.root());
    }

    @Test
    void defaultTtlIs24HoursAndNotBeforeIsTwoMinutesBack() throws Exception {
        X509Certificate leaf = ca.sign(TestPki.csr(workload, List.of(), List.of()), reviews, Duration.ZERO).get(0);
        assertThat(leaf.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(2)));
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(24)));
        X509Certificate hour = ca.sign(TestPki.csr(workload, List.of(), List.of()), reviews, Duration.ofHours(1)).get(0);
        assertThat(hour.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        X509Certificate max = ca.sign(TestPki.csr(workload, List.of(), List.of()), reviews, Duration.ofDays(90)).get(0);
        assertThat(max.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(90)));
    }

    @Test
    void aTtlOverNinetyDaysIsRefused() {
        assertThatThrownBy(() -> ca.sign(TestPki.csr(workload, List.of(), List.of()), reviews, Duration.ofDays(90).plusSeconds(1)))
                .isInstanceOf(CsrRejected.class)
                .hasMessageContaining("exceeds the maximum of 90 days")
                .hasMessageContaining("7776000 seconds");
    }

    @Test
    void neverPastTheSigningCertificate() throws Exception {
        Issued root = TestPki.root("CN=Root");
        Issued intermediate = TestPki.intermediate(root, "CN=Short", NOW.plus(Duration.ofHours(5)));
        CaKeys shortKeys = new CaKeys(intermediate.key(), intermediate.cert(), List.of(intermediate.cert(), root.cert()), List.of(root.cert()));
        List<X509Certificate> chain = new CertificateAuthority(shortKeys, IssuancePolicy.ISTIO, clock)
                .sign(TestPki.csr(workload, List.of(), List.of()), reviews, Duration.ofHours(24));
        assertThat(chain.get(0).getNotAfter()).isEqualTo(intermediate.cert().getNotAfter());
        assertThat(chain).containsSubsequence(intermediate.cert(), root.cert()).hasSize(3);
        verify(chain, root.cert());
    }

    @Test
    void aCsrForAnotherIdentityIsRefused() {
        String csr = TestPki.csr(workload, List.of("spiffe://cluster.local/ns/bookinfo/sa/productpage"), List.of());
        assertThatThrownBy(() -> ca.sign(csr, reviews, Duration.ZERO))
                .isInstanceOf(CsrRejected.class)
                .hasMessageContaining("asks for identity spiffe://cluster.local/ns/bookinfo/sa/productpage")
                .hasMessageContaining("authenticated as spiffe://cluster.local/ns/bookinfo/sa/reviews");
    }

    @Test
    void aCsrForTheCallersOwnIdentityIsSigned() throws Exception {
        String csr = TestPki.csr(workload, List.of(reviews.uri()), List.of());
        assertThat(ca.sign(csr, reviews, Duration.ZERO).get(0).getSubjectAlternativeNames()).hasSize(1);
    }

    @Test
    void malformedCsrsAreRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> ca.sign("", reviews, Duration.ZERO)).hasMessageContaining("carries no CSR");
        assertThatThrownBy(() -> ca.sign("hello", reviews, Duration.ZERO)).hasMessageContaining("no PEM block");
        assertThatThrownBy(() -> ca.sign("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", reviews, Duration.ZERO))
                .isInstanceOf(CsrRejected.class).hasMessageContaining("not a readable PEM PKCS#10 request");
        assertThatThrownBy(() -> ca.sign(io.strait.ca.keys.Pem.of(keys.root()), reviews, Duration.ZERO))
                .isInstanceOf(CsrRejected.class).hasMessageContaining("expected a PEM \"CERTIFICATE REQUEST\"");
        assertThatThrownBy(() -> ca.sign("x".repeat(20_000), reviews, Duration.ZERO)).hasMessageContaining("at most 16384 are accepted");
    }

    @Test
    void aTamperedCsrIsRefused() {
        String csr = TestPki.csr(workload, List.of(), List.of());
        // swap the signature's last base64 characters: the CSR still parses, its proof of possession fails
        String[] lines = csr.split("\n");
        int last = lines.length - 2;
        char[] c = lines[last].toCharArray();
        int i = c.length > 6 ? c.length - 6 : 0;
        c[i] = c[i] == 'A' ? 'B' : 'A';
        lines[last] = new String(c);
        assertThatThrownBy(() -> ca.sign(String.join("\n", lines) + "\n", reviews, Duration.ZERO)).isInstanceOf(CsrRejected.class);
    }

    @Test
    void weakKeysAreRefused() {
        assertThatThrownBy(() -> ca.sign(TestPki.csr(TestPki.rsa(1024), List.of(), List.of()), reviews, Duration.ZERO))
                .hasMessageContaining("RSA key has 1024 bits; at least 2048");
    }

    @Test
    void anRsaCaSignsRsaAndEcWorkloads() throws Exception {
        CaKeys rsa = SelfSignedRoot.create(KeyType.RSA, "cluster.local", Clock.offset(clock, Duration.ofDays(-1)));
        CertificateAuthority rsaCa = new CertificateAuthority(rsa, IssuancePolicy.ISTIO, clock);
        verify(rsaCa.sign(TestPki.csr(workload, List.of(), List.of()), reviews, Duration.ZERO), rsa.root());
        verify(rsaCa.sign(TestPki.csr(TestPki.rsa(2048), List.of(), List.of()), reviews, Duration.ZERO), rsa.root());
    }

    @Test
    void servingCertificatesNameHostsAndIps() throws Exception {
        List<X509Certificate> chain = ca.signServing(workload.getPublic(), List.of("istiod.istio-system.svc", "localhost"),
                List.of("127.0.0.1"), Duration.ofHours(24));
        assertThat(chain.get(0).getSubjectAlternativeNames())
                .containsExactly(List.of(2, "istiod.istio-system.svc"), List.of(2, "localhost"), List.of(7, "127.0.0.1"));
    }

    static void verify(List<X509Certificate> chain, X509Certificate root) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        params.setDate(java.util.Date.from(NOW));
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509")
                .generateCertPath(chain.subList(0, chain.size() - 1)), params);
    }
}
