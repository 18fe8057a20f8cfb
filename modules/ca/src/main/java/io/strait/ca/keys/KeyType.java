package io.strait.ca.keys;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;

/** The key algorithms the CA creates roots with: ECDSA P-256 (Istio's default for new meshes here) or RSA 2048. */
public enum KeyType {
    ECDSA, RSA;

    /** Parses {@code ECDSA}/{@code EC} or {@code RSA}, case-insensitively. */
    public static KeyType parse(String s) {
        String t = s == null ? "" : s.trim().toUpperCase();
        return switch (t) {
            case "ECDSA", "EC" -> ECDSA;
            case "RSA" -> RSA;
            default -> throw new IllegalArgumentException("unknown CA key type \"" + s + "\"; use ECDSA or RSA");
        };
    }

    /** A fresh key pair: P-256 or RSA 2048. */
    public KeyPair generate() {
        try {
            if (this == ECDSA) {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                return g.generateKeyPair();
            }
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate " + this + " keys", e);
        }
    }

    /** The X.509 signature algorithm for a signing key: SHA-256 with ECDSA or RSA (PKCS#1 v1.5), as Istio signs. */
    public static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("unsupported CA key algorithm " + key.getAlgorithm() + "; use ECDSA or RSA");
        };
    }

    /**
     * Whether the key signs what the certificate's public key verifies: works for every key type alike. A CA directory
     * and a credentialName secret are both refused when their key is not their certificate's.
     */
    public static boolean belongsTo(java.security.PrivateKey key, java.security.cert.X509Certificate cert) {
        try {
            String alg = KeyType.signatureAlgorithm(key);
            if (!cert.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
                return false;
            }
            byte[] probe = new byte[32];
            new java.security.SecureRandom().nextBytes(probe);
            java.security.Signature s = java.security.Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            java.security.Signature v = java.security.Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(sig);
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

}
