package io.strait.ca.issue;

import io.strait.ca.identity.SpiffeId;
import io.strait.ca.keys.CaKeys;
import io.strait.ca.keys.FastEc;
import io.strait.ca.keys.KeyType;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Signs workload certificates as Istio's CA does: the caller's authenticated identity as the only SAN (URI, critical,
 * empty subject), server and client auth, TTL from the request within {@link IssuancePolicy}, NotBefore backdated,
 * NotAfter never past the signing chain. The CSR only contributes its public key, after its signature proves the
 * caller holds the private half; its own SANs are ignored, except that a CSR asking for <em>another</em> SPIFFE
 * identity is refused rather than silently re-targeted. Thread-safe; pure apart from the random serials.
 */
public final class CertificateAuthority {
    private static final int MIN_RSA_BITS = 2048;

    private final CaKeys keys;
    private final IssuancePolicy policy;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final X500Name issuer;
    private final org.bouncycastle.asn1.x509.AuthorityKeyIdentifier authorityKeyId;
    private final String signatureAlgorithm;
    private final java.security.PrivateKey signingKey;

    public CertificateAuthority(CaKeys keys, IssuancePolicy policy, Clock clock) {
        this.keys = keys;
        this.policy = policy;
        this.clock = clock;
        this.issuer = X500Name.getInstance(keys.signingCert().getSubjectX500Principal().getEncoded());
        this.signatureAlgorithm = KeyType.signatureAlgorithm(keys.signingKey());
        this.signingKey = FastEc.signingKey(keys.signingKey());
        try {
            this.authorityKeyId = new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(keys.signingCert().getPublicKey());
        } catch (Exception e) {
            throw new IllegalStateException("cannot derive the CA's key identifier", e);
        }
    }

    public CaKeys keys() {
        return keys;
    }

    public IssuancePolicy policy() {
        return policy;
    }

    /**
     * Signs a workload certificate for {@code identity} with the public key of {@code csrPem}.
     *
     * @param requestedTtl the caller's {@code validity_duration}; zero or negative for the default
     * @return leaf first, then the intermediates, then the root: Istio's {@code cert_chain}
     */
    public List<X509Certificate> sign(String csrPem, SpiffeId identity, Duration requestedTtl) throws CsrRejected {
        Duration ttl = ttl(requestedTtl);
        PKCS10CertificationRequest csr = parse(csrPem);
        PublicKey publicKey = checkedKey(csr);
        checkRequestedIdentity(csr, identity);
        GeneralNames sans = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri()));
        return chain(issue(publicKey, sans, ttl));
    }

    /**
     * A serving certificate for the CA's own secure port: DNS and IP SANs (such as {@code istiod.istio-system.svc}),
     * server and client auth, the same lifetime rules.
     */
    public List<X509Certificate> signServing(PublicKey publicKey, List<String> dnsNames, List<String> ips, Duration ttl) {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
        for (String ip : ips) {
            names.add(new GeneralName(GeneralName.iPAddress, ip));
        }
        return chain(issue(publicKey, new GeneralNames(names.toArray(GeneralName[]::new)), ttl));
    }

    private Duration ttl(Duration requested) throws CsrRejected {
        if (requested == null || requested.isZero() || requested.isNegative()) {
            return policy.defaultTtl();
        }
        if (requested.compareTo(policy.maxTtl()) > 0) {
            throw new CsrRejected("requested certificate TTL " + human(requested) + " exceeds the maximum of " + human(policy.maxTtl())
                    + "; ask for at most " + policy.maxTtl().toSeconds() + " seconds");
        }
        return requested;
    }

    private PKCS10CertificationRequest parse(String csrPem) throws CsrRejected {
        if (csrPem == null || csrPem.isBlank()) {
            throw new CsrRejected("the request carries no CSR (field csr is empty)");
        }
        if (csrPem.length() > policy.maxCsrBytes()) {
            throw new CsrRejected("the CSR is " + csrPem.length() + " bytes; at most " + policy.maxCsrBytes() + " are accepted");
        }
        try (PEMParser parser = new PEMParser(new StringReader(csrPem))) {
            Object o = parser.readObject();
            if (o instanceof PKCS10CertificationRequest csr) {
                return csr;
            }
            throw new CsrRejected("the csr field holds " + (o == null ? "no PEM block" : "a " + o.getClass().getSimpleName())
                    + "; expected a PEM \"CERTIFICATE REQUEST\" (PKCS#10)");
        } catch (IOException | RuntimeException e) {
            throw new CsrRejected("the CSR is not a readable PEM PKCS#10 request: " + e.getMessage());
        }
    }

    private static PublicKey checkedKey(PKCS10CertificationRequest csr) throws CsrRejected {
        PublicKey key;
        try {
            // BouncyCastle knows keys by OID; the JDK's lookup fails first and throws on every request
            key = new JcaPKCS10CertificationRequest(csr).setProvider(FastEc.provider()).getPublicKey();
        } catch (Exception e) {
            throw new CsrRejected("the CSR's public key is unreadable: " + e.getMessage());
        }
        try {
            JcaContentVerifierProviderBuilder verifier = new JcaContentVerifierProviderBuilder();
            if (FastEc.providerFor(key) != null) {
                verifier.setProvider(FastEc.providerFor(key));
            }
            if (!csr.isSignatureValid(verifier.build(key))) {
                throw new CsrRejected("the CSR's signature does not verify with its own public key (tampered or corrupt CSR)");
            }
        } catch (CsrRejected e) {
            throw e;
        } catch (Exception e) {
            throw new CsrRejected("the CSR's signature cannot be checked: " + e.getMessage());
        }
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            if (bits < 256) {
                throw new CsrRejected("the CSR's EC key is on a " + bits + "-bit curve; use P-256 or larger");
            }
        } else if (key instanceof RSAPublicKey rsa) {
            if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                throw new CsrRejected("the CSR's RSA key has " + rsa.getModulus().bitLength() + " bits; at least " + MIN_RSA_BITS + " are required");
            }
        } else {
            throw new CsrRejected("the CSR's key algorithm " + key.getAlgorithm() + " is not supported; use ECDSA (P-256) or RSA");
        }
        return key;
    }

    /** A CSR that names a SPIFFE identity must name the caller's: the caller never gets another's, and learns why. */
    private static void checkRequestedIdentity(PKCS10CertificationRequest csr, SpiffeId identity) throws CsrRejected {
        for (org.bouncycastle.asn1.pkcs.Attribute a : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (ASN1Encodable v : a.getAttrValues()) {
                GeneralNames sans;
                try {
                    sans = GeneralNames.fromExtensions(Extensions.getInstance(v), Extension.subjectAlternativeName);
                } catch (RuntimeException e) {
                    throw new CsrRejected("the CSR's extension request is malformed: " + e.getMessage());
                }
                if (sans == null) {
                    continue;
                }
                for (GeneralName n : sans.getNames()) {
                    if (n.getTagNo() == GeneralName.uniformResourceIdentifier) {
                        String uri = n.getName().toString();
                        if (uri.startsWith("spiffe://") && !uri.equals(identity.uri())) {
                            throw new CsrRejected("the CSR asks for identity " + uri + " but the caller is authenticated as "
                                    + identity.uri() + "; a workload can only get a certificate for its own identity");
                        }
                    }
                }
            }
        }
    }

    private X509Certificate issue(PublicKey publicKey, GeneralNames sans, Duration ttl) {
        Instant now = clock.instant();
        Instant notAfter = now.plus(ttl);
        Instant latest = keys.latestNotAfter();
        if (notAfter.isAfter(latest)) {
            notAfter = latest;
        }
        Instant notBefore = now.minus(policy.backdate());
        try {
            // Istio leaves the subject empty for workload certificates, which makes the SAN extension critical (RFC 5280)
            X500Name subject = new X500Name(new RDN[0]);
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(128, random).setBit(127),
                    Date.from(notBefore), Date.from(notAfter), subject, publicKey);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            b.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyId);
            b.addExtension(Extension.subjectAlternativeName, true, sans);
            JcaContentSignerBuilder signer = new JcaContentSignerBuilder(signatureAlgorithm);
            if (FastEc.providerFor(signingKey) != null) {
                signer.setProvider(FastEc.providerFor(signingKey));
            }
            return new JcaX509CertificateConverter().getCertificate(b.build(signer.build(signingKey)));
        } catch (Exception e) {
            throw new IllegalStateException("signing failed: " + e.getMessage(), e);
        }
    }

    private List<X509Certificate> chain(X509Certificate leaf) {
        List<X509Certificate> out = new ArrayList<>(keys.chain().size() + 1);
        out.add(leaf);
        out.addAll(keys.chain()); // the signing certificate up to the root; just the root for a self-signed CA
        return List.copyOf(out);
    }

    private static String human(Duration d) {
        long h = d.toHours();
        return h >= 48 && h % 24 == 0 ? (h / 24) + " days" : h > 0 ? h + "h" : d.toSeconds() + "s";
    }
}
