package io.strait.ca.grpc;

import io.strait.ca.keys.Pem;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How a new workload trusts the CA before it holds the mesh's roots: the secure port must present a chain ending at
 * the root whose fingerprint its join token carries ({@code root} claim). That root then anchors an ordinary PKIX
 * check of the chain, so a server holding any other root — or no matching chain — is refused.
 */
public final class RootPinnedTrust implements X509TrustManager {
    private final String rootFingerprint;

    /** @param rootFingerprint {@code sha256:<hex>} of the expected root's DER */
    public RootPinnedTrust(String rootFingerprint) {
        this.rootFingerprint = rootFingerprint;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the CA presented no certificate");
        }
        X509Certificate root = chain[chain.length - 1];
        if (!Pem.fingerprint(root).equals(rootFingerprint)) {
            throw new CertificateException("the CA's root " + Pem.fingerprint(root) + " is not the one the join token names ("
                    + rootFingerprint + "): not the mesh's CA");
        }
        pkix(root).checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("RootPinnedTrust checks servers only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    private static X509TrustManager pkix(X509Certificate root) throws CertificateException {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("root", root);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ks);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new CertificateException("no X509 trust manager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new CertificateException("cannot check the CA's chain: " + e.getMessage(), e);
        }
    }
}
