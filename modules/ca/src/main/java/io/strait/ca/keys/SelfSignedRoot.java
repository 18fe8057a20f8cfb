package io.strait.ca.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CA a fresh install runs on: a self-signed root created on first start (10 years, as Istio's self-signed CA) and
 * stored in Istio's {@code cacerts} layout, so the next start — or an operator — reads it back with {@link PluggedCa}.
 * The key file is created 0600 before anything is written to it.
 */
public final class SelfSignedRoot {
    /** Istio's self-signed root lifetime. */
    public static final Duration ROOT_LIFETIME = Duration.ofDays(3650);
    private static final Logger LOG = LoggerFactory.getLogger(SelfSignedRoot.class);

    private SelfSignedRoot() {
    }

    /**
     * The CA stored in {@code dir}, or a new root created there when {@code dir} holds none. An existing CA keeps its
     * key type whatever {@code type} asks (a root is not silently replaced).
     */
    public static CaKeys createOrLoad(Path dir, KeyType type, String trustDomain, Clock clock) {
        if (PluggedCa.present(dir)) {
            return PluggedCa.load(dir, clock);
        }
        CaKeys keys = create(type, trustDomain, clock);
        store(keys, dir);
        LOG.info("created a {} root CA for trust domain {} in {} ({})", type, trustDomain, dir, keys.rootFingerprint());
        return keys;
    }

    /** A new self-signed root, in memory. */
    public static CaKeys create(KeyType type, String trustDomain, Clock clock) {
        KeyPair pair = type.generate();
        Instant now = clock.instant();
        // Istio's self-signed root names its organization after the trust domain
        X500Name name = new X500Name("O=" + trustDomain.replace(",", "\\,"));
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(128, new SecureRandom()).setBit(127),
                    Date.from(now.minus(Duration.ofMinutes(2))), Date.from(now.plus(ROOT_LIFETIME)), name, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder(KeyType.signatureAlgorithm(pair.getPrivate())).build(pair.getPrivate())));
            return new CaKeys(pair.getPrivate(), cert, List.of(cert), List.of(cert));
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a self-signed root: " + e.getMessage(), e);
        }
    }

    /** Writes {@code keys} in the cacerts layout; the key file is 0600 from its creation. */
    public static void store(CaKeys keys, Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                try {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } catch (UnsupportedOperationException e) {
                    Files.createDirectories(dir);
                }
            }
            Path key = dir.resolve(PluggedCa.CA_KEY);
            Path tmpKey = dir.resolve(PluggedCa.CA_KEY + ".tmp");
            Files.deleteIfExists(tmpKey);
            try {
                Files.createFile(tmpKey, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmpKey); // not POSIX: the directory's ACLs apply
            } catch (FileAlreadyExistsException e) {
                throw new IllegalStateException("another process is creating a CA in " + dir);
            }
            Files.writeString(tmpKey, Pem.of(keys.signingKey()), StandardCharsets.US_ASCII);
            write(dir, PluggedCa.CA_CERT, Pem.of(keys.signingCert()));
            write(dir, PluggedCa.CERT_CHAIN, Pem.of(keys.chain()));
            write(dir, PluggedCa.ROOT_CERT, keys.rootsPem());
            // the key goes last: until it is there the directory does not count as holding a CA
            Files.move(tmpKey, key, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the CA in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path dir, String name, String text) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
