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
}
