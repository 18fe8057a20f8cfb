package io.strait.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.strait.ca.issue.CertificateAuthority;
import io.strait.ca.issue.IssuancePolicy;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import io.strait.ca.keys.SelfSignedRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretDirectoryTest {
    private static CertificateAuthority ca;

    @TempDir
    Path dir;

    @BeforeAll
    static void issuer() {
        ca = new CertificateAuthority(SelfSignedRoot.create(KeyType.ECDSA, "cluster.local", Clock.systemUTC()), IssuancePolicy.ISTIO,
                Clock.systemUTC());
    }

    /** Writes a certificate and its key (or, with {@code otherKey}, an unrelated key) as a TLS secret. */
    private Path tlsSecret(String namespace, String name, boolean otherKey) throws Exception {
        KeyPair pair = KeyType.ECDSA.generate();
        var chain = ca.signServing(pair.getPublic(), List.of(name + ".example.com"), List.of(), Duration.ofHours(1));
        Path entry = Files.createDirectories(dir.resolve(namespace).resolve(name));
        Files.writeString(entry.resolve("tls.crt"), Pem.of(chain));
        Files.writeString(entry.resolve("tls.key"), Pem.of((otherKey ? KeyType.ECDSA.generate() : pair).getPrivate()));
        return entry;
    }

    @Test
    void servesCertificateAndRootsUnderBothNameForms() throws Exception {
        Path entry = tlsSecret("web", "web-cert", false);
        Files.writeString(entry.resolve("ca.crt"), Pem.of(ca.keys().roots()));

        SecretDirectory.Contents read = SecretDirectory.read(dir);

        assertThat(read.problems()).isEmpty();
        assertThat(read.byNamespace()).containsOnlyKeys("web");
        assertThat(read.byNamespace().get("web")).containsOnlyKeys("kubernetes://web-cert", "kubernetes://web/web-cert",
                "kubernetes://web-cert-cacert", "kubernetes://web/web-cert-cacert");
        Secret cert = read.byNamespace().get("web").get("kubernetes://web-cert");
        assertThat(cert.getName()).isEqualTo("kubernetes://web-cert");
        assertThat(cert.getTlsCertificate().getPrivateKey().getInlineBytes().toStringUtf8()).contains("PRIVATE KEY");
        assertThat(read.byNamespace().get("web").get("kubernetes://web-cert-cacert").getValidationContext().getTrustedCa()
                .getInlineBytes().toStringUtf8()).contains("BEGIN CERTIFICATE");
    }

    @Test
    void keyOfAnotherCertificateIsReportedAndNotServed() throws Exception {
        Path bad = tlsSecret("web", "mismatch", true);
        tlsSecret("web", "good", false);

        SecretDirectory.Contents read = SecretDirectory.read(dir);

        assertThat(read.byNamespace().get("web")).containsOnlyKeys("kubernetes://good", "kubernetes://web/good");
        assertThat(read.problems()).singleElement().asString().contains(bad.toString()).contains("tls.key is not the key");
    }

    @Test
    void unreadablePemIsReportedWithItsPathWithoutTheKey() throws Exception {
        Path entry = tlsSecret("web", "garbled", false);
        Files.writeString(entry.resolve("tls.crt"), "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");

        SecretDirectory.Contents read = SecretDirectory.read(dir);

        assertThat(read.byNamespace()).isEmpty();
        assertThat(read.problems()).singleElement().asString().contains(entry.resolve("tls.crt").toString())
                .doesNotContain("PRIVATE KEY");
    }

    @Test
    void halfAPairAndEmptyEntriesAreReported() throws Exception {
        Path half = tlsSecret("web", "half", false);
        Files.delete(half.resolve("tls.key"));
        Files.createDirectories(dir.resolve("web").resolve("empty"));
        Files.createDirectories(dir.resolve("Bad_NS").resolve("x"));

        SecretDirectory.Contents read = SecretDirectory.read(dir);

        assertThat(read.byNamespace()).isEmpty();
        assertThat(read.problems()).hasSize(3);
        assertThat(String.join("\n", read.problems())).contains("tls.crt has no tls.key").contains("holds none of")
                .contains("is not a namespace name");
    }

    @Test
    void missingDirectoryIsReported() {
        SecretDirectory.Contents read = SecretDirectory.read(dir.resolve("nope"));
        assertThat(read.byNamespace()).isEmpty();
        assertThat(read.problems()).singleElement().asString().contains("does not exist");
    }
}
