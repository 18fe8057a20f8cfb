package io.strait.ca.keys;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Where the CA's hot-path ECDSA runs. On Java 17 BouncyCastle's P-256 signs about twice and verifies about four times
 * as fast as the JDK's SunEC (measured here: 2,575 vs 1,186 signatures/s, 3,474 vs 754 verifications/s on one core),
 * and each workload certificate costs one of each. The provider is used by instance, never registered in the JVM, so
 * nothing else in the process changes provider. RSA stays on the JDK, which is as fast.
 */
public final class FastEc {
    private static final Provider BC = new BouncyCastleProvider();

    private FastEc() {
    }

    /** The BouncyCastle provider instance. */
    public static Provider provider() {
        return BC;
    }

    /**
     * {@code key} as a BouncyCastle key when it is an EC key, so that signing does not convert the JDK's key (and
     * look its curve up) on every signature; other keys are returned as they are.
     */
    public static PrivateKey signingKey(PrivateKey key) {
        if (providerFor(key) == null) {
            return key;
        }
        try {
            return KeyFactory.getInstance("EC", BC).generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            return key;
        }
    }

    /** The provider for operations with {@code key}: BouncyCastle for EC keys, null (the JDK's) otherwise. */
    public static Provider providerFor(Key key) {
        return key.getAlgorithm().startsWith("EC") ? BC : null;
    }
}
