package io.strait.ca.issue;

/**
 * A certificate request the CA refuses: malformed, for another identity, oversized, with a weak key or a TTL over the
 * maximum. The message says what is wrong in words a workload's operator can act on; no certificate was issued.
 */
public final class CsrRejected extends Exception {
    public CsrRejected(String message) {
        super(message, null, false, false);
    }
}
