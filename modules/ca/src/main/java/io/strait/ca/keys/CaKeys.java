package io.strait.ca.keys;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The CA's signing material, checked: the signing key, its certificate, the chain from it to one of the trusted roots,
 * and every root currently trusted (several while a root is rotated with an overlap). Built by {@link PluggedCa} (or {@link SelfSignedRoot}, which stores a root the same way);
 * immutable, so a reload swaps the whole value.
 *
 * <p>{@link #toString()} never shows the key.
 *
 * @param signingKey  the private key; never logged, never put on the bus
 * @param signingCert the certificate of {@code signingKey} (the root itself for a self-signed CA)
 * @param chain       {@code signingCert} first, then each issuer up to and including the root it chains to
 * @param roots       every trusted root; contains {@code chain}'s last element
 */
public record CaKeys(PrivateKey signingKey, X509Certificate signingCert, List<X509Certificate> chain, List<X509Certificate> roots) {

    public CaKeys {
        chain = List.copyOf(chain);
        roots = List.copyOf(roots);
        if (chain.isEmpty() || !chain.get(0).equals(signingCert)) {
            throw new IllegalArgumentException("the chain must start with the signing certificate");
        }
        if (!roots.contains(chain.get(chain.size() - 1))) {
            throw new IllegalArgumentException("the chain must end at a trusted root");
        }
    }

    /** The root the signing certificate chains to (the one new workloads are told to expect). */
    public X509Certificate root() {
        return chain.get(chain.size() - 1);
    }

    /** {@code sha256:<hex>} of {@link #root()}: what a join token carries. */
    public String rootFingerprint() {
        return Pem.fingerprint(root());
    }

    /** Fingerprints of every trusted root. */
    public Set<String> trustedFingerprints() {
        return roots.stream().map(Pem::fingerprint).collect(Collectors.toUnmodifiableSet());
    }

    /** The certificates between a leaf and the root, excluding the root: empty for a self-signed CA. */
    public List<X509Certificate> intermediates() {
        return chain.subList(0, chain.size() - 1);
    }

    /** The latest instant a certificate signed now may be valid until: the earliest expiry along the chain. */
    public Instant latestNotAfter() {
        return chain.stream().map(c -> c.getNotAfter().toInstant()).min(Instant::compareTo).orElseThrow();
    }

    /** Every trusted root as one PEM text, as {@code root-cert.pem} and the trust bundle carry them. */
    public String rootsPem() {
        return Pem.of(roots);
    }

    @Override
    public String toString() {
        return "CaKeys[signing=" + signingCert.getSubjectX500Principal() + ", root=" + rootFingerprint() + ", roots=" + roots.size() + "]";
    }
}
