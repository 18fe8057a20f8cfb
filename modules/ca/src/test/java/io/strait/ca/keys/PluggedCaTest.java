package io.strait.ca.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strait.ca.TestPki;
import io.strait.ca.TestPki.Issued;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluggedCaTest {
    private final Clock clock = Clock.systemUTC();
    private final Issued root = TestPki.root("CN=Root,O=Example");
    private final Issued intermediate = TestPki.intermediate(root, "CN=Intermediate,O=Example", Instant.now().plus(Duration.ofDays(365)));

    @Test
    void readsIstiosCacertsLayoutWithAnIntermediate(@TempDir Path dir) throws Exception {
        TestPki.cacerts(dir, intermediate, List.of(intermediate.cert(), root.cert()), List.of(root.cert()));
        CaKeys keys = PluggedCa.load(dir, clock);
        assertThat(keys.signingCert()).isEqualTo(intermediate.cert());
        assertThat(keys.chain()).containsExactly(intermediate.cert(), root.cert());
        assertThat(keys.root()).isEqualTo(root.cert());
        assertThat(keys.intermediates()).containsExactly(intermediate.cert());
        assertThat(keys.rootFingerprint()).isEqualTo(Pem.fingerprint(root.cert())).startsWith("sha256:");
        assertThat(keys.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void ordersAChainGivenInAnyOrder(@TempDir Path dir) throws Exception {
        Issued second = TestPki.intermediate(intermediate, "CN=Second,O=Example", Instant.now().plus(Duration.ofDays(30)));
        TestPki.cacerts(dir, second, List.of(root.cert(), second.cert(), intermediate.cert()), List.of(root.cert()));
        assertThat(PluggedCa.load(dir, clock).chain()).containsExactly(second.cert(), intermediate.cert(), root.cert());
    }

    @Test
    void trustsEveryRootOfTheRootFileForARotationOverlap(@TempDir Path dir) throws Exception {
        Issued oldRoot = TestPki.root("CN=Old Root");
        TestPki.cacerts(dir, intermediate, List.of(intermediate.cert()), List.of(oldRoot.cert(), root.cert()));
        CaKeys keys = PluggedCa.load(dir, clock);
        assertThat(keys.roots()).containsExactly(oldRoot.cert(), root.cert());
        assertThat(keys.root()).isEqualTo(root.cert());
    }

    @Test
    void readsCertManagersTlsLayout(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tls.crt"), Pem.of(List.of(intermediate.cert(), root.cert())));
        Files.writeString(dir.resolve("tls.key"), Pem.of(intermediate.key()));
        Files.writeString(dir.resolve("ca.crt"), Pem.of(root.cert()));
        assertThat(PluggedCa.load(dir, clock).chain()).containsExactly(intermediate.cert(), root.cert());
    }

    @Test
    void refusesAKeyThatDoesNotMatchItsCertificate(@TempDir Path dir) throws Exception {
        TestPki.cacerts(dir, new Issued(intermediate.cert(), TestPki.root("CN=Other").key()), List.of(intermediate.cert()), List.of(root.cert()));
        assertThatThrownBy(() -> PluggedCa.load(dir, clock))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ca-key.pem does not match the certificate in")
                .hasMessageContaining("ca-cert.pem");
    }

    @Test
    void refusesAnRsaKeyForAnEcCertificate(@TempDir Path dir) throws Exception {
        TestPki.cacerts(dir, new Issued(intermediate.cert(), TestPki.rsa(2048).getPrivate()), List.of(), List.of(root.cert()));
        assertThatThrownBy(() -> PluggedCa.load(dir, clock)).hasMessageContaining("does not match");
    }

    @Test
    void refusesACertificateThatIsNotACa(@TempDir Path dir) throws Exception {
        Issued leaf = TestPki.leaf(root, "CN=leaf");
        TestPki.cacerts(dir, leaf, List.of(), List.of(root.cert()));
        assertThatThrownBy(() -> PluggedCa.load(dir, clock)).hasMessageContaining("is not a CA certificate");
    }

    @Test
    void refusesAChainThatDoesNotReachTheRoot(@TempDir Path dir) throws Exception {
        Issued otherRoot = TestPki.root("CN=Unrelated Root");
        TestPki.cacerts(dir, intermediate, List.of(intermediate.cert()), List.of(otherRoot.cert()));
        assertThatThrownBy(() -> PluggedCa.load(dir, clock))
                .hasMessageContaining("does not reach a root in")
                .hasMessageContaining("CN=Intermediate");
    }

    @Test
    void refusesAnExpiredCa(@TempDir Path dir) throws Exception {
        Issued expired = TestPki.root("CN=Expired", Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
        TestPki.cacerts(dir, expired, List.of(), List.of(expired.cert()));
        assertThatThrownBy(() -> PluggedCa.load(dir, clock)).hasMessageContaining("expired at");
    }

    @Test
    void refusesADirectoryWithoutACaOrWithGarbage(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> PluggedCa.load(dir, clock)).hasMessageContaining("expected ca-cert.pem and ca-key.pem");
        Files.writeString(dir.resolve("ca-cert.pem"), "not pem");
        Files.writeString(dir.resolve("ca-key.pem"), Pem.of(root.key()));
        assertThatThrownBy(() -> PluggedCa.load(dir, clock)).hasMessageContaining("ca-cert.pem holds no PEM certificate");
        Files.writeString(dir.resolve("ca-cert.pem"), Pem.of(root.cert()));
        Files.writeString(dir.resolve("ca-key.pem"), Pem.of(root.cert()));
        assertThatThrownBy(() -> PluggedCa.load(dir, clock)).hasMessageContaining("ca-key.pem holds no unencrypted private key");
    }

    @Test
    void aSelfSignedRootWithoutARootFileIsItsOwnRoot(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("ca-cert.pem"), Pem.of(root.cert()));
        Files.writeString(dir.resolve("ca-key.pem"), Pem.of(root.key()));
        assertThat(PluggedCa.load(dir, clock).roots()).containsExactly(root.cert());
    }
}
