package io.strait.xds;

import io.strait.ca.grpc.MeshTrust;
import io.strait.ca.identity.SpiffeId;
import io.strait.ca.keys.Pem;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A front's own workload identity for the secure port when it runs without a CA in its process
 * ({@code strait run xds --identity-dir DIR}): the {@code cert-chain.pem}, {@code key.pem} and {@code root-cert.pem}
 * that {@code strait agent} or {@code strait cert request} keep current in a directory. It is the port's key manager,
 * and its {@link #trust()} holds the roots client certificates must chain to. {@link #reloadIfChanged} re-reads the
 * files when they change, so a rotated certificate or root serves the next handshake without a restart; a directory
 * caught half-written or broken is reported and the last good identity kept.
 */
final class IdentityFiles extends X509ExtendedKeyManager {
    private static final Logger LOG = LoggerFactory.getLogger(IdentityFiles.class);
    private static final String ALIAS = "strait-xds";

    private record Material(PrivateKey key, X509Certificate[] chain, List<X509Certificate> roots, SpiffeId identity, String stamp) {
    }

    private final Path dir;
    private final AtomicReference<Material> current = new AtomicReference<>();
    private final MeshTrust trust;

    /** @throws IllegalArgumentException naming the file and what is wrong when the directory holds no usable identity */
    IdentityFiles(Path dir) {
        this.dir = dir;
        Material m = read();
        current.set(m);
        trust = new MeshTrust(m.roots());
    }

    /** The roots of the directory's {@code root-cert.pem}, followed across rotations. */
    MeshTrust trust() {
        return trust;
    }

    /** The identity the front serves with; its trust domain is the mesh's unless told otherwise. */
    SpiffeId identity() {
        return current.get().identity();
    }

    /** Re-reads the files if any of them changed since the last read. */
    void reloadIfChanged() {
        try {
            if (stamp().equals(current.get().stamp())) {
                return;
            }
            Material m = read();
            current.set(m);
            trust.trust(m.roots());
            LOG.info("secure xDS port: reloaded the identity in {} ({} until {}, {} root(s))", dir, m.identity(),
                    m.chain()[0].getNotAfter().toInstant(), m.roots().size());
        } catch (IllegalArgumentException | IOException e) {
            LOG.error("secure xDS port: the identity in {} is not usable, keeping the one loaded: {}", dir, e.getMessage());
        }
    }

    private String stamp() throws IOException {
        StringBuilder s = new StringBuilder();
        for (String f : List.of("cert-chain.pem", "key.pem", "root-cert.pem")) {
            Path p = dir.resolve(f);
            s.append(Files.getLastModifiedTime(p).toMillis()).append('/').append(Files.size(p)).append(';');
        }
        return s.toString();
    }

    private Material read() {
        Path chainFile = dir.resolve("cert-chain.pem");
        Path keyFile = dir.resolve("key.pem");
        Path rootFile = dir.resolve("root-cert.pem");
        for (Path p : List.of(chainFile, keyFile, rootFile)) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("--identity-dir " + dir + " has no " + p.getFileName()
                        + " (it needs cert-chain.pem, key.pem and root-cert.pem, as strait cert request or strait agent write them)");
            }
        }
        try {
            String stamp = stamp();
            List<X509Certificate> chain = Pem.certificates(Files.readString(chainFile, StandardCharsets.US_ASCII), chainFile.toString());
            PrivateKey key = Pem.privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII), keyFile.toString());
            List<X509Certificate> roots = Pem.certificates(Files.readString(rootFile, StandardCharsets.US_ASCII), rootFile.toString());
            if (!io.strait.ca.keys.KeyType.belongsTo(key, chain.get(0))) {
                throw new IllegalArgumentException(keyFile + " is not the key of the certificate in " + chainFile);
            }
            return new Material(key, chain.toArray(X509Certificate[]::new), roots, spiffeId(chain.get(0), chainFile), stamp);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    private static SpiffeId spiffeId(X509Certificate leaf, Path file) {
        try {
            if (leaf.getSubjectAlternativeNames() != null) {
                for (List<?> san : leaf.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(6).equals(san.get(0)) && san.get(1) instanceof String uri) {
                        var id = SpiffeId.tryParse(uri);
                        if (id.isPresent()) {
                            return id.get();
                        }
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // reported below
        }
        throw new IllegalArgumentException(file + " is not a mesh workload certificate (no spiffe://<td>/ns/<ns>/sa/<sa> URI SAN)");
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return keyType == null || keyType.equalsIgnoreCase(current.get().key().getAlgorithm())
                || (keyType.startsWith("EC") && current.get().key().getAlgorithm().equals("EC")) ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseServerAlias(keyType, issuers, null);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return chooseServerAlias(keyType, issuers, null) == null ? null : new String[] {ALIAS};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? current.get().chain().clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? current.get().key() : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
