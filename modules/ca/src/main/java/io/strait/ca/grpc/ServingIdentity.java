package io.strait.ca.grpc;

import io.strait.ca.issue.CertificateAuthority;
import io.strait.ca.keys.KeyType;
import java.net.Socket;
import java.security.KeyPair;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The secure port's own certificate, issued by the mesh CA (so workloads that trust the mesh's root trust the port)
 * for {@code istiod.istio-system.svc} and the configured host names and IPs, and renewed by {@link #renew} before it
 * expires. It is the port's key manager: a renewed certificate applies to the next handshake without a restart.
 */
public final class ServingIdentity extends X509ExtendedKeyManager {
    /** The name Istio's workloads dial the CA by. */
    public static final String ISTIOD_HOST = "istiod.istio-system.svc";
    private static final String ALIAS = "strait-ca";

    private record Material(PrivateKey key, X509Certificate[] chain) {
    }

    private final List<String> dnsNames;
    private final List<String> ips;
    private final Duration ttl;
    private final AtomicReference<Material> current = new AtomicReference<>();

    /**
     * @param dnsNames DNS SANs (Istio's {@link #ISTIOD_HOST} is a good first one)
     * @param ips      IP SANs
     * @param ttl      lifetime of each serving certificate
     */
    public ServingIdentity(List<String> dnsNames, List<String> ips, Duration ttl) {
        this.dnsNames = List.copyOf(dnsNames);
        this.ips = List.copyOf(ips);
        this.ttl = ttl;
    }

    /** Issues a fresh key and certificate from {@code ca} and serves them from the next handshake on. */
    public void renew(CertificateAuthority ca) {
        KeyPair pair = KeyType.ECDSA.generate();
        List<X509Certificate> chain = ca.signServing(pair.getPublic(), dnsNames, ips, ttl);
        current.set(new Material(pair.getPrivate(), chain.toArray(X509Certificate[]::new)));
    }

    /** When the current certificate should be renewed: half its lifetime, as Istio rotates. */
    public Instant renewAt() {
        X509Certificate leaf = leaf();
        long start = leaf.getNotBefore().getTime();
        long end = leaf.getNotAfter().getTime();
        return Instant.ofEpochMilli(start + (end - start) / 2);
    }

    /** The certificate served now. */
    public X509Certificate leaf() {
        Material m = current.get();
        if (m == null) {
            throw new IllegalStateException("no serving certificate yet: call renew first");
        }
        return m.chain()[0];
    }

    private boolean offers(String keyType) {
        return keyType == null || keyType.toUpperCase().startsWith("EC");
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return offers(keyType) && current.get() != null ? ALIAS : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseServerAlias(keyType, issuers, null);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return offers(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Material m = current.get();
        return ALIAS.equals(alias) && m != null ? m.chain().clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Material m = current.get();
        return ALIAS.equals(alias) && m != null ? m.key() : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
