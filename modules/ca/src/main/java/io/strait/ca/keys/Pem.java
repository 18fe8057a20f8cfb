package io.strait.ca.keys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/** PEM text in and out: certificates, private keys (PKCS#8, PKCS#1 RSA or SEC1 EC), SHA-256 fingerprints. */
public final class Pem {
    private Pem() {
    }

    /** Every certificate in a PEM text, in order; a block that is not a certificate is an error naming {@code what}. */
    public static List<X509Certificate> certificates(String pem, String what) {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            PemObject block;
            while ((block = parser.readPemObject()) != null) {
                if (!block.getType().equals("CERTIFICATE")) {
                    throw new IllegalArgumentException(what + " holds a \"" + block.getType() + "\" block where a CERTIFICATE was expected");
                }
                out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.getContent())));
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException(what + " is not readable PEM certificates: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + " holds no PEM certificate");
        }
        return out;
    }

    /** The one private key in a PEM text, whatever its encoding. */
    public static PrivateKey privateKey(String pem, String what) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IllegalArgumentException(what + " holds no unencrypted private key"
                    + (o == null ? "" : " (found " + o.getClass().getSimpleName() + "; encrypted keys are not supported)"));
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " is not a readable PEM private key: " + e.getMessage(), e);
        }
    }

    /** A certificate as PEM. */
    public static String of(X509Certificate cert) {
        return write(cert);
    }

    /** A private key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), the encoding grpc-java's file watcher reads. */
    public static String of(PrivateKey key) {
        return write(new PemObject("PRIVATE KEY", key.getEncoded()));
    }

    /** Several certificates as one PEM text, in order. */
    public static String of(List<X509Certificate> certs) {
        StringBuilder sb = new StringBuilder();
        certs.forEach(c -> sb.append(of(c)));
        return sb.toString();
    }

    /** {@code sha256:<hex>} of a certificate's DER: how a join token names the root it was issued under. */
    public static String fingerprint(X509Certificate cert) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint " + cert.getSubjectX500Principal(), e);
        }
    }

    private static String write(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write PEM", e);
        }
        return out.toString();
    }

    /** UTF-8 bytes of PEM text (PEM is ASCII). */
    public static byte[] bytes(String pem) {
        return pem.getBytes(StandardCharsets.US_ASCII);
    }
}
