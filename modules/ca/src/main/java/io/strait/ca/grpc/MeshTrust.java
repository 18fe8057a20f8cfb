package io.strait.ca.grpc;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The secure port's trust manager: client certificates must chain to a root of the current trust bundle. Swapped
 * whole by {@link #trust} when the roots change (a rotation), so the port follows the bundle without a restart.
 */
public final class MeshTrust extends X509ExtendedTrustManager {
    private final AtomicReference<X509ExtendedTrustManager> delegate = new AtomicReference<>();
    private volatile X509Certificate[] roots = new X509Certificate[0];

    public MeshTrust(List<X509Certificate> roots) {
        trust(roots);
    }

    /** Trusts exactly {@code roots} from the next handshake on. */
    public void trust(List<X509Certificate> newRoots) {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            for (int i = 0; i < newRoots.size(); i++) {
                ks.setCertificateEntry("root-" + i, newRoots.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ks);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    delegate.set(x);
                    roots = newRoots.toArray(X509Certificate[]::new);
                    return;
                }
            }
            throw new IllegalStateException("the JVM offers no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a trust manager for the mesh roots: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.get().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate.get().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.get().checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.get().checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        delegate.get().checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.get().checkServerTrusted(chain, authType);
    }

    /**
     * None: the list of acceptable CAs a TLS server sends in its CertificateRequest is read from here once, when the
     * server's SSL context is built (Netty with BoringSSL), so after a root rotation it would still name only the old
     * roots, and a client whose key manager picks its certificate by that list (the JDK's does) would present none.
     * Advertising no list makes every client present its certificate; whether it chains to a current root is checked
     * above, at each handshake. {@link #roots()} gives the roots themselves.
     */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    /** The roots trusted now. */
    public X509Certificate[] roots() {
        return roots.clone();
    }
}
