package io.strait.ca.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Reads a CA from a directory in Istio's {@code cacerts} layout ({@code ca-cert.pem}, {@code ca-key.pem},
 * {@code cert-chain.pem}, {@code root-cert.pem}) or cert-manager's ({@code tls.crt}, {@code tls.key}, {@code ca.crt}),
 * and checks it before anything is signed with it: the key matches the certificate, the certificate may sign
 * certificates and is valid now, and the chain leads from it to a root of the root file. Every refusal says which
 * file is wrong and how. Several roots in the root file are all trusted (a root rotation's overlap).
 */
public final class PluggedCa {
    static final String CA_CERT = "ca-cert.pem";
    static final String CA_KEY = "ca-key.pem";
    static final String CERT_CHAIN = "cert-chain.pem";
    static final String ROOT_CERT = "root-cert.pem";
    static final String TLS_CRT = "tls.crt";
    static final String TLS_KEY = "tls.key";
    static final String CA_CRT = "ca.crt";
    private static final int MAX_CHAIN = 10;

    private PluggedCa() {
    }

    /** True when {@code dir} holds a CA in either layout. */
    public static boolean present(Path dir) {
        return (Files.isRegularFile(dir.resolve(CA_CERT)) && Files.isRegularFile(dir.resolve(CA_KEY)))
                || (Files.isRegularFile(dir.resolve(TLS_CRT)) && Files.isRegularFile(dir.resolve(TLS_KEY)));
    }

    /**
     * Loads and checks the CA in {@code dir}.
     *
     * @throws IllegalArgumentException naming the file and the problem when the directory holds no usable CA
     */
    public static CaKeys load(Path dir, Clock clock) {
        if (Files.isRegularFile(dir.resolve(CA_CERT)) && Files.isRegularFile(dir.resolve(CA_KEY))) {
            List<X509Certificate> caCert = Pem.certificates(read(dir, CA_CERT), file(dir, CA_CERT));
            List<X509Certificate> extra = new ArrayList<>(caCert.subList(1, caCert.size()));
            if (hasContent(dir, CERT_CHAIN)) { // optional, and may be empty for a CA signed by the root directly
                extra.addAll(Pem.certificates(read(dir, CERT_CHAIN), file(dir, CERT_CHAIN)));
            }
            List<X509Certificate> roots = Files.isRegularFile(dir.resolve(ROOT_CERT))
                    ? Pem.certificates(read(dir, ROOT_CERT), file(dir, ROOT_CERT)) : List.of();
            return check(Pem.privateKey(read(dir, CA_KEY), file(dir, CA_KEY)), caCert.get(0), extra, roots,
                    file(dir, CA_KEY), file(dir, CA_CERT), file(dir, ROOT_CERT), clock);
        }
        if (Files.isRegularFile(dir.resolve(TLS_CRT)) && Files.isRegularFile(dir.resolve(TLS_KEY))) {
            List<X509Certificate> tls = Pem.certificates(read(dir, TLS_CRT), file(dir, TLS_CRT));
            List<X509Certificate> roots = Files.isRegularFile(dir.resolve(CA_CRT))
                    ? Pem.certificates(read(dir, CA_CRT), file(dir, CA_CRT)) : List.of();
            return check(Pem.privateKey(read(dir, TLS_KEY), file(dir, TLS_KEY)), tls.get(0), tls.subList(1, tls.size()), roots,
                    file(dir, TLS_KEY), file(dir, TLS_CRT), file(dir, CA_CRT), clock);
        }
        throw new IllegalArgumentException("no CA in " + dir.toAbsolutePath() + ": expected " + CA_CERT + " and " + CA_KEY
                + " (with " + ROOT_CERT + " and " + CERT_CHAIN + ", Istio's cacerts layout) or " + TLS_CRT + " and " + TLS_KEY
                + " (with " + CA_CRT + ")");
    }

    /**
     * The checks every CA passes before use, on material already parsed. An empty {@code roots} means the signing
     * certificate must be a self-signed root.
     */
    public static CaKeys check(PrivateKey key, X509Certificate cert, List<X509Certificate> extra, List<X509Certificate> roots,
                               String keyFile, String certFile, String rootFile, Clock clock) {
        if (!KeyType.belongsTo(key, cert)) {
            throw new IllegalArgumentException("the private key in " + keyFile + " does not match the certificate in " + certFile
                    + " (" + cert.getSubjectX500Principal() + "): it was not made for this certificate's public key");
        }
        if (cert.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("the certificate in " + certFile + " (" + cert.getSubjectX500Principal()
                    + ") is not a CA certificate (basicConstraints CA:TRUE is missing), so it cannot sign workload certificates");
        }
        boolean[] usage = cert.getKeyUsage();
        if (usage != null && (usage.length < 6 || !usage[5])) {
            throw new IllegalArgumentException("the certificate in " + certFile + " lacks the keyCertSign key usage, so it cannot sign certificates");
        }
        validNow(cert, certFile, clock);
        List<X509Certificate> trusted = roots.isEmpty() ? List.of(cert) : roots;
        if (roots.isEmpty() && !selfSigned(cert)) {
            throw new IllegalArgumentException("the certificate in " + certFile + " is not self-signed and no root file ("
                    + rootFile + ") says which root it chains to");
        }
        for (X509Certificate r : trusted) {
            validNow(r, rootFile, clock);
        }
        return new CaKeys(key, cert, chainToRoot(cert, extra, trusted, certFile, rootFile), trusted);
    }

    /** Orders the chain from {@code cert} up to a trusted root by issuer and signature, whatever order the files use. */
    private static List<X509Certificate> chainToRoot(X509Certificate cert, List<X509Certificate> extra, List<X509Certificate> roots,
                                                     String certFile, String rootFile) {
        List<X509Certificate> chain = new ArrayList<>(List.of(cert));
        X509Certificate current = cert;
        while (!roots.contains(current)) {
            X509Certificate issuer = issuerOf(current, roots);
            if (issuer == null) {
                issuer = issuerOf(current, extra);
            }
            if (issuer == null || chain.contains(issuer) || chain.size() > MAX_CHAIN) {
                throw new IllegalArgumentException("the chain from " + certFile + " does not reach a root in " + rootFile + ": no certificate"
                        + " given signed " + current.getSubjectX500Principal() + " (issuer " + current.getIssuerX500Principal() + ")");
            }
            chain.add(issuer);
            current = issuer;
        }
        return chain;
    }

    private static X509Certificate issuerOf(X509Certificate cert, List<X509Certificate> candidates) {
        for (X509Certificate c : candidates) {
            if (c.getSubjectX500Principal().equals(cert.getIssuerX500Principal()) && !c.equals(cert)) {
                try {
                    cert.verify(c.getPublicKey());
                    return c;
                } catch (GeneralSecurityException e) {
                    // same name, other key (an old root during rotation): keep looking
                }
            }
        }
        return null;
    }

    static boolean selfSigned(X509Certificate cert) {
        if (!cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal())) {
            return false;
        }
        try {
            cert.verify(cert.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static void validNow(X509Certificate cert, String file, Clock clock) {
        try {
            cert.checkValidity(Date.from(clock.instant()));
        } catch (CertificateExpiredException e) {
            throw new IllegalArgumentException("the certificate " + cert.getSubjectX500Principal() + " in " + file
                    + " expired at " + cert.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw new IllegalArgumentException("the certificate " + cert.getSubjectX500Principal() + " in " + file
                    + " is not valid before " + cert.getNotBefore().toInstant());
        }
    }

    private static boolean hasContent(Path dir, String name) {
        return Files.isRegularFile(dir.resolve(name)) && !read(dir, name).isBlank();
    }

    private static String read(Path dir, String name) {
        try {
            return Files.readString(dir.resolve(name));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    private static String file(Path dir, String name) {
        return dir.resolve(name).toString();
    }
}
