package io.strait.ca.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.strait.ca.TestPki;
import io.strait.ca.grpc.CertificateServiceClient;
import io.strait.ca.identity.SpiffeId;
import io.strait.ca.keys.CaKeys;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import io.strait.ca.keys.SelfSignedRoot;
import io.strait.ca.token.JoinTokens;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CA role over a real TLS gRPC server and client, as a workload (or istio-agent) calls it. */
class SecureCaServerTest {
    private static final SpiffeId REVIEWS = new SpiffeId("cluster.local", "bookinfo", "reviews");
    private final List<AutoCloseable> open = new ArrayList<>();
    private final io.micrometer.core.instrument.simple.SimpleMeterRegistry metrics = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    @TempDir
    Path tmp;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private CaRole start(Path caDir, boolean pluggedIn) throws Exception {
        CaOptions o = new CaOptions(caDir, pluggedIn, KeyType.ECDSA, "cluster.local", "127.0.0.1", 0, List.of(),
                Duration.ofHours(24), Duration.ofHours(1), "ca-test");
        CaRole role = new CaRole(o, null, Clock.systemUTC(), List.of(), metrics).start();
        open.add(role);
        return role;
    }

    private CertificateServiceClient client(CaRole role, List<String> clientChain, KeyPair clientKey) throws Exception {
        TlsChannelCredentials.Builder creds = TlsChannelCredentials.newBuilder()
                .trustManager(new ByteArrayInputStream(Pem.bytes(role.keys().rootsPem())));
        if (clientChain != null) {
            creds.keyManager(new ByteArrayInputStream(Pem.bytes(String.join("", clientChain))),
                    new ByteArrayInputStream(Pem.bytes(Pem.of(clientKey.getPrivate()))));
        }
        ManagedChannel ch = NettyChannelBuilder.forAddress("localhost", role.securePort(), creds.build()).build();
        open.add(() -> ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return new CertificateServiceClient(ch, Duration.ofSeconds(10));
    }

    @Test
    void aJoinTokenBuysACertificateForTheTokensIdentityNotTheCsrs() throws Exception {
        CaRole ca = start(tmp.resolve("ca"), false);
        String token = ca.issueToken(REVIEWS, Duration.ofHours(1));
        KeyPair key = KeyType.ECDSA.generate();
        String csr = TestPki.csr(key, List.of(), List.of("productpage.bookinfo.svc"));
        List<String> chain = client(ca, null, null).createCertificate(csr, Duration.ofHours(1), token);

        X509Certificate leaf = Pem.certificates(chain.get(0), "leaf").get(0);
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(6, REVIEWS.uri()));
        assertThat(leaf.getPublicKey()).isEqualTo(key.getPublic());
        assertThat(chain).hasSize(2);
        assertThat(Pem.certificates(chain.get(1), "root").get(0)).isEqualTo(ca.keys().root());
        verify(List.of(leaf), ca.keys().root());
        assertThat(ca.service().issued()).isEqualTo(1);
        assertThat(metrics.counter("citadel_server_success_cert_issuance_count").count()).isEqualTo(1);
        assertThat(metrics.get("citadel_server_root_cert_expiry_timestamp").gauge().value())
                .isEqualTo((double) ca.keys().root().getNotAfter().toInstant().getEpochSecond());
    }

    @Test
    void aWorkloadRenewsWithItsCertificateAlone() throws Exception {
        CaRole ca = start(tmp.resolve("ca"), false);
        KeyPair key = KeyType.ECDSA.generate();
        List<String> first = client(ca, null, null).createCertificate(TestPki.csr(key, List.of(), List.of()), Duration.ofHours(1),
                ca.issueToken(REVIEWS, Duration.ofHours(1)));

        KeyPair next = KeyType.ECDSA.generate();
        List<String> renewed = client(ca, first, key).createCertificate(TestPki.csr(next, List.of(), List.of()), Duration.ofHours(1), null);
        X509Certificate leaf = Pem.certificates(renewed.get(0), "leaf").get(0);
        assertThat(leaf.getSubjectAlternativeNames()).containsExactly(List.of(6, REVIEWS.uri()));
        assertThat(leaf.getPublicKey()).isEqualTo(next.getPublic());
    }

    @Test
    void aRenewalCannotChangeIdentity() throws Exception {
        CaRole ca = start(tmp.resolve("ca"), false);
        KeyPair key = KeyType.ECDSA.generate();
        List<String> mine = client(ca, null, null).createCertificate(TestPki.csr(key, List.of(), List.of()), Duration.ofHours(1),
                ca.issueToken(REVIEWS, Duration.ofHours(1)));
        String other = TestPki.csr(key, List.of("spiffe://cluster.local/ns/bookinfo/sa/admin"), List.of());
        assertThatThrownBy(() -> client(ca, mine, key).createCertificate(other, Duration.ofHours(1), null))
                .satisfies(e -> assertStatus(e, Status.Code.INVALID_ARGUMENT, "asks for identity spiffe://cluster.local/ns/bookinfo/sa/admin"));
    }

    @Test
    void forgedExpiredAndForeignTokensAreUnauthenticated() throws Exception {
        CaRole ca = start(tmp.resolve("ca"), false);
        String csr = TestPki.csr(KeyType.ECDSA.generate(), List.of(), List.of());
        CertificateServiceClient c = client(ca, null, null);

        String token = ca.issueToken(REVIEWS, Duration.ofHours(1));
        String forged = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertThatThrownBy(() -> c.createCertificate(csr, Duration.ZERO, forged))
                .satisfies(e -> assertStatus(e, Status.Code.UNAUTHENTICATED, "signature does not verify"));

        JoinTokens past = new JoinTokens(ca.keys(), "cluster.local", Clock.offset(Clock.systemUTC(), Duration.ofHours(-2)));
        assertThatThrownBy(() -> c.createCertificate(csr, Duration.ZERO, past.issue(REVIEWS, Duration.ofHours(1))))
                .satisfies(e -> assertStatus(e, Status.Code.UNAUTHENTICATED, "expired at"));

        CaKeys otherRoot = SelfSignedRoot.create(KeyType.ECDSA, "cluster.local", Clock.systemUTC());
        String foreign = new JoinTokens(otherRoot, "cluster.local", Clock.systemUTC()).issue(REVIEWS, Duration.ofHours(1));
        assertThatThrownBy(() -> c.createCertificate(csr, Duration.ZERO, foreign))
                .satisfies(e -> assertStatus(e, Status.Code.UNAUTHENTICATED, "signed by another CA"));

        assertThatThrownBy(() -> c.createCertificate(csr, Duration.ZERO, null))
                .satisfies(e -> assertStatus(e, Status.Code.UNAUTHENTICATED, "no credentials"));
        assertThat(ca.service().issued()).isZero();
        assertThat(metrics.counter("citadel_server_authentication_failure_count").count()).isEqualTo(4);
    }

    @Test
    void badRequestsAreInvalidArgumentWithTheReason() throws Exception {
        CaRole ca = start(tmp.resolve("ca"), false);
        String token = ca.issueToken(REVIEWS, Duration.ofHours(1));
        CertificateServiceClient c = client(ca, null, null);
        String csr = TestPki.csr(KeyType.ECDSA.generate(), List.of(), List.of());
        assertThatThrownBy(() -> c.createCertificate(csr, Duration.ofDays(91), token))
                .satisfies(e -> assertStatus(e, Status.Code.INVALID_ARGUMENT, "exceeds the maximum of 90 days"));
        assertThatThrownBy(() -> c.createCertificate("not a csr", Duration.ZERO, token))
                .satisfies(e -> assertStatus(e, Status.Code.INVALID_ARGUMENT, "expected a PEM \"CERTIFICATE REQUEST\""));
        // within the port's transport limits (TransportLimits, 4 MiB, as the xDS ports) a large non-CSR is read and refused
        assertThatThrownBy(() -> c.createCertificate("x".repeat(100_000), Duration.ZERO, token))
                .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        // beyond them gRPC refuses the message before it is parsed
        assertThatThrownBy(() -> c.createCertificate("x".repeat(5_000_000), Duration.ZERO, token))
                .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        // the role is still serving
        assertThat(c.createCertificate(csr, Duration.ZERO, token)).hasSize(2);
    }

    @Test
    void aPluggedInCaWhoseKeyDoesNotMatchIsRefusedAtStart() throws Exception {
        var root = TestPki.root("CN=Root");
        Path dir = TestPki.cacerts(tmp.resolve("cacerts"), new TestPki.Issued(root.cert(), TestPki.root("CN=Other").key()),
                List.of(), List.of(root.cert()));
        assertThatThrownBy(() -> start(dir, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ca-key.pem does not match the certificate in");
        assertThatThrownBy(() -> start(tmp.resolve("missing"), true)).hasMessageContaining("does not exist");
    }

    @Test
    void twoCaProcessesOnOnePluggedInCaVerifyEachOthersTokens() throws Exception {
        var root = TestPki.root("CN=Root");
        var intermediate = TestPki.intermediate(root, "CN=Mesh CA", java.time.Instant.now().plus(Duration.ofDays(365)));
        Path dir = TestPki.cacerts(tmp.resolve("cacerts"), intermediate, List.of(intermediate.cert(), root.cert()), List.of(root.cert()));
        CaRole a = start(dir, true);
        CaRole b = start(dir, true);
        String fromA = a.issueToken(REVIEWS, Duration.ofHours(1));
        List<String> chain = client(b, null, null).createCertificate(TestPki.csr(KeyType.ECDSA.generate(), List.of(), List.of()),
                Duration.ofHours(1), fromA);
        assertThat(chain).hasSize(3);
        assertThat(Pem.certificates(chain.get(1), "intermediate").get(0)).isEqualTo(intermediate.cert());
        verify(List.of(Pem.certificates(chain.get(0), "leaf").get(0), intermediate.cert()), root.cert());
        assertThat(JoinTokens.unverifiedClaims(fromA).rootFingerprint()).isEqualTo(Pem.fingerprint(root.cert()));
    }

    @Test
    void theSecurePortsCertificateIsRenewedAtHalfItsLife() throws Exception {
        MovableClock clock = new MovableClock();
        CaOptions o = new CaOptions(tmp.resolve("ca"), false, KeyType.ECDSA, "cluster.local", "127.0.0.1", 0, List.of("ca.example.com"),
                Duration.ofHours(24), Duration.ofHours(1), "ca-test");
        CaRole ca = new CaRole(o, null, clock, List.of()).start();
        open.add(ca);
        java.time.Instant first = ca.servingNotAfter();
        clock.advance(Duration.ofHours(11));
        ca.tick();
        assertThat(ca.servingNotAfter()).isEqualTo(first);
        clock.advance(Duration.ofHours(2));
        ca.tick();
        assertThat(ca.servingNotAfter()).isAfter(first);
        assertThat(o.servingDnsNames()).contains("istiod.istio-system.svc", "localhost", "ca.example.com");
        assertThat(Files.exists(tmp.resolve("ca").resolve("ca-key.pem"))).isTrue();
    }

    /** A clock tests move forward. */
    private static final class MovableClock extends Clock {
        private volatile java.time.Instant now = java.time.Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    @Test
    void aNewWorkloadTrustsTheCaOnlyUnderTheRootItsTokenNames() throws Exception {
        CaRole ca = start(tmp.resolve("ca"), false);
        String token = ca.issueToken(REVIEWS, Duration.ofHours(1));
        String csr = TestPki.csr(KeyType.ECDSA.generate(), List.of(), List.of());
        String pinned = JoinTokens.unverifiedClaims(token).rootFingerprint();
        assertThat(pinnedClient(ca, pinned).createCertificate(csr, Duration.ZERO, token)).hasSize(2);
        String elsewhere = Pem.fingerprint(TestPki.root("CN=Impostor").cert());
        assertThatThrownBy(() -> pinnedClient(ca, elsewhere).createCertificate(csr, Duration.ZERO, token))
                .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    private CertificateServiceClient pinnedClient(CaRole role, String fingerprint) throws Exception {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", role.securePort(), TlsChannelCredentials.newBuilder()
                .trustManager(new io.strait.ca.grpc.RootPinnedTrust(fingerprint)).build()).build();
        open.add(() -> ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return new CertificateServiceClient(ch, Duration.ofSeconds(10));
    }

    private static void assertStatus(Throwable e, Status.Code code, String text) {
        assertThat(e).isInstanceOf(StatusRuntimeException.class);
        Status s = ((StatusRuntimeException) e).getStatus();
        assertThat(s.getCode()).isEqualTo(code);
        assertThat(s.getDescription()).contains(text).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static void verify(List<X509Certificate> path, X509Certificate root) throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
    }
}
