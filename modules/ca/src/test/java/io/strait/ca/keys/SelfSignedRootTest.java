package io.strait.ca.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedRootTest {
    private final Clock clock = Clock.systemUTC();

    @Test
    void createsAnEcdsaRootOnFirstStartAndReusesItAfter(@TempDir Path dir) throws Exception {
        Path ca = dir.resolve("ca");
        CaKeys first = SelfSignedRoot.createOrLoad(ca, KeyType.ECDSA, "cluster.local", clock);
        assertThat(first.signingKey().getAlgorithm()).isEqualTo("EC");
        assertThat(first.root().getSubjectX500Principal().getName()).isEqualTo("O=cluster.local");
        assertThat(first.root().getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(Duration.between(Instant.now(), first.root().getNotAfter().toInstant()).toDays()).isBetween(3648L, 3650L);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.resolve("ca-key.pem")))).isEqualTo("rw-------");
        assertThat(Files.readString(ca.resolve("root-cert.pem"))).doesNotContain("PRIVATE");
        try (var files = Files.list(ca)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("ca-cert.pem", "ca-key.pem", "cert-chain.pem", "root-cert.pem");
        }

        CaKeys again = SelfSignedRoot.createOrLoad(ca, KeyType.RSA, "cluster.local", clock);
        assertThat(again.rootFingerprint()).isEqualTo(first.rootFingerprint());
        assertThat(again.signingKey().getAlgorithm()).isEqualTo("EC"); // an existing root is never replaced
    }

    @Test
    void rsaIsSelectable(@TempDir Path dir) {
        CaKeys keys = SelfSignedRoot.createOrLoad(dir, KeyType.RSA, "example.org", clock);
        assertThat(keys.signingKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(keys.root().getSigAlgName()).isEqualTo("SHA256withRSA");
        assertThat(PluggedCa.load(dir, clock).rootFingerprint()).isEqualTo(keys.rootFingerprint());
    }
}
