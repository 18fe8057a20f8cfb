package io.strait.agent.credentials;

import io.strait.ca.keys.Pem;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * What a workload holds: its private key, its certificate chain (leaf first, then intermediates, without the root)
 * and every root it trusts. Immutable: a rotation or a trust change makes a new value, and everything that serves
 * credentials (files, SDS, the xDS proxy's upstream) reads one value whole, so key and certificate always match.
 *
 * <p>{@link #toString()} never shows the key.
 *
 * @param key        the private key; never logged, never sent anywhere
 * @param chain      leaf first, then intermediates
 * @param roots      every trusted root (several during a root rotation's overlap)
 * @param receivedAt when the agent got the certificate: where its rotation schedule starts
 */
public record WorkloadCredentials(PrivateKey key, List<X509Certificate> chain, List<X509Certificate> roots, Instant receivedAt) {

    public WorkloadCredentials {
        chain = List.copyOf(chain);
        roots = List.copyOf(roots);
        if (chain.isEmpty() || roots.isEmpty()) {
            throw new IllegalArgumentException("workload credentials need a certificate and at least one root");
        }
    }

    /** The workload certificate. */
    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    public BigInteger serial() {
        return leaf().getSerialNumber();
    }

    /** The same key and certificate under another set of roots (the trust bundle changed). */
    public WorkloadCredentials withRoots(List<X509Certificate> newRoots) {
        return new WorkloadCredentials(key, chain, newRoots, receivedAt);
    }

    /** PKCS#8 PEM of the key: for the key file and SDS only. */
    public String keyPem() {
        return Pem.of(key);
    }

    public String chainPem() {
        return Pem.of(chain);
    }

    public String rootsPem() {
        return Pem.of(roots);
    }

    @Override
    public String toString() {
        return "WorkloadCredentials[serial=" + serial().toString(16) + ", notAfter=" + notAfter() + ", roots=" + roots.size() + "]";
    }
}
