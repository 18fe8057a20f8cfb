package io.strait.bus.envelope;

import java.util.List;

/**
 * The value of {@code strait.trust.v1}, keyed by trust domain: every root certificate the mesh currently trusts, as
 * PEM. While a root is rotated the bundle holds the old and the new one, so workloads holding either keep talking.
 * Fronts and agents follow the latest value per key; the CA replicas of a trust domain all write the same bundle.
 *
 * <p>Only public certificates ever travel in this envelope: the CA's private keys never leave the CA.
 *
 * @param v           envelope version
 * @param trustDomain the SPIFFE trust domain, e.g. {@code cluster.local}
 * @param roots       PEM of each trusted root certificate, oldest first
 * @param publisher   id of the CA replica that wrote this value (for debugging; readers ignore it)
 * @param at          epoch millis of publication (the publisher's clock)
 */
public record TrustBundle(int v, String trustDomain, List<String> roots, String publisher, long at) {
    /** The version this code writes. */
    public static final int VERSION = 1;

    public TrustBundle {
        roots = List.copyOf(roots);
    }
}
