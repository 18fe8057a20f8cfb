package io.strait.agent.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.ca.identity.SpiffeId;
import io.strait.ca.issue.CertificateAuthority;
import io.strait.ca.issue.IssuancePolicy;
import io.strait.ca.keys.CaKeys;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import io.strait.ca.keys.SelfSignedRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialFilesTest {
    private final CaKeys keys = SelfSignedRoot.create(KeyType.ECDSA, "cluster.local", Clock.systemUTC());
    private final CertificateAuthority ca = new CertificateAuthority(keys, IssuancePolicy.ISTIO, Clock.systemUTC());

    private WorkloadCredentials issue() throws Exception {
        KeyPair key = KeyType.ECDSA.generate();
        List<X509Certificate> chain = ca.sign(CaClient.csr(key), new SpiffeId("cluster.local", "shop", "web"), Duration.ofHours(1));
        return new WorkloadCredentials(key.getPrivate(), chain.subList(0, chain.size() - 1), List.of(keys.root()), Instant.now());
    }

    @Test
    void theThreeFilesShowOneVersionAndTheKeyIsPrivate(@TempDir Path tmp) throws Exception {
        CredentialFiles files = new CredentialFiles(tmp.resolve("w"));
        WorkloadCredentials first = issue();
        files.write(first);
        assertThat(Pem.privateKey(Files.readString(files.key()), "key")).isEqualTo(first.key());
        assertThat(Files.readString(files.key())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Pem.certificates(Files.readString(files.certChain()), "chain")).containsExactlyElementsOf(first.chain());
        assertThat(Pem.certificates(Files.readString(files.rootCert()), "roots")).containsExactly(keys.root());
        assertThat(Files.getPosixFilePermissions(files.key().toRealPath())).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        WorkloadCredentials second = issue();
        files.write(second);
        assertThat(Pem.privateKey(Files.readString(files.key()), "key")).isEqualTo(second.key());
        assertThat(Pem.certificates(Files.readString(files.certChain()), "chain").get(0)).isEqualTo(second.leaf());
        // the key and the certificate resolve into the same version directory: they change together
        assertThat(files.key().toRealPath().getParent()).isEqualTo(files.certChain().toRealPath().getParent());
        for (int i = 0; i < 3; i++) {
            files.write(issue());
        }
        try (var listing = Files.list(files.dir())) {
            assertThat(listing.filter(p -> p.getFileName().toString().startsWith("..v")).count()).isEqualTo(2);
        }
    }

    @Test
    void plainFilesFromCertRequestAreReplacedByTheLinks(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("key.pem"), "old");
        Files.writeString(tmp.resolve("cert-chain.pem"), "old");
        CredentialFiles files = new CredentialFiles(tmp);
        WorkloadCredentials c = issue();
        files.write(c);
        assertThat(Files.isSymbolicLink(files.key())).isTrue();
        assertThat(Pem.privateKey(Files.readString(files.key()), "key")).isEqualTo(c.key());
    }

    @Test
    void aBootstrapIsWrittenWhole(@TempDir Path tmp) {
        Path f = tmp.resolve("grpc-bootstrap.json");
        CredentialFiles.writeAtomically(f, "{}");
        CredentialFiles.writeAtomically(f, "{\"a\":1}");
        assertThat(f).hasContent("{\"a\":1}");
        assertThat(tmp.resolve("grpc-bootstrap.json.tmp")).doesNotExist();
    }

    @Test
    void theKeyIsNeverInToString() throws Exception {
        WorkloadCredentials c = issue();
        assertThat(c.toString()).doesNotContain("PRIVATE").doesNotContain(c.keyPem().substring(30, 60));
    }
}
