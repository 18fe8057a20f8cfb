package io.strait.ca;

import io.strait.ca.keys.CaKeys;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Test certificates: roots, intermediates, CSRs, and CA directories in Istio's cacerts layout. */
public final class TestPki {
    private TestPki() {
    }

    /** A certificate with its key. */
    public record Issued(X509Certificate cert, PrivateKey key) {
    }

    public static Issued root(String name, Instant notBefore, Instant notAfter) {
        KeyPair k = KeyType.ECDSA.generate();
        return new Issued(build(new X500Name(name), name, k.getPublic(), k.getPrivate(), notBefore, notAfter, true), k.getPrivate());
    }

    public static Issued root(String name) {
        return root(name, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(3650)));
    }

    public static Issued intermediate(Issued issuer, String name, Instant notAfter) {
        KeyPair k = KeyType.ECDSA.generate();
        X500Name issuerName = X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded());
        return new Issued(build(issuerName, name, k.getPublic(), issuer.key(), Instant.now().minus(Duration.ofDays(1)), notAfter, true), k.getPrivate());
    }

    /** A workload-like (non-CA) certificate signed by {@code issuer}. */
    public static Issued leaf(Issued issuer, String name) {
        KeyPair k = KeyType.ECDSA.generate();
        X500Name issuerName = X500Name.getInstance(issuer.cert().getSubjectX500Principal().getEncoded());
        return new Issued(build(issuerName, name, k.getPublic(), issuer.key(), Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)), false), k.getPrivate());
    }

    private static X509Certificate build(X500Name issuer, String subject, PublicKey pub, PrivateKey signer, Instant nb, Instant na, boolean ca) {
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()),
                    Date.from(nb), Date.from(na), new X500Name(subject), pub);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            }
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(KeyType.signatureAlgorithm(signer)).build(signer)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PEM CSR for a fresh key of {@code key}'s pair, with the given URI and DNS SANs. */
    public static String csr(KeyPair key, List<String> uris, List<String> dns) {
        try {
            JcaPKCS10CertificationRequestBuilder b = new JcaPKCS10CertificationRequestBuilder(new X500Name("O=ignored"), key.getPublic());
            List<GeneralName> names = new ArrayList<>();
            uris.forEach(u -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, u)));
            dns.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
            if (!names.isEmpty()) {
                ExtensionsGenerator g = new ExtensionsGenerator();
                g.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
                b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, g.generate());
            }
            PKCS10CertificationRequest csr = b.build(new JcaContentSignerBuilder(KeyType.signatureAlgorithm(key.getPrivate())).build(key.getPrivate()));
            StringWriter out = new StringWriter();
            try (JcaPEMWriter w = new JcaPEMWriter(out)) {
                w.writeObject(csr);
            }
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair rsa(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes an Istio cacerts directory: ca-cert.pem, ca-key.pem, cert-chain.pem, root-cert.pem. */
    public static Path cacerts(Path dir, Issued signing, List<X509Certificate> chain, List<X509Certificate> roots) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("ca-cert.pem"), Pem.of(signing.cert()));
        Files.writeString(dir.resolve("ca-key.pem"), Pem.of(signing.key()));
        Files.writeString(dir.resolve("cert-chain.pem"), Pem.of(chain));
        Files.writeString(dir.resolve("root-cert.pem"), Pem.of(roots));
        return dir;
    }

    /** A CaKeys for a self-signed root, in memory. */
    public static CaKeys selfSigned(Issued root) {
        return new CaKeys(root.key(), root.cert(), List.of(root.cert()), List.of(root.cert()));
    }
}
