package io.strait.ca.issue;

import java.time.Duration;

/**
 * How long workload certificates live, as Istio's CA decides it: a request without a TTL gets {@code defaultTtl}, a
 * request over {@code maxTtl} is refused (not shortened, so a caller never holds less than it believes), and every
 * certificate starts {@code backdate} in the past so that a workload whose clock runs a little behind accepts it.
 *
 * @param defaultTtl   Istio's {@code DEFAULT_WORKLOAD_CERT_TTL}: 24 h
 * @param maxTtl       Istio's {@code MAX_WORKLOAD_CERT_TTL}: 90 days
 * @param backdate     how far NotBefore goes back: 2 minutes
 * @param maxCsrBytes  the largest CSR accepted (a P-256 CSR is ~0.5 KB, an RSA 4096 one ~2 KB)
 */
public record IssuancePolicy(Duration defaultTtl, Duration maxTtl, Duration backdate, int maxCsrBytes) {
    /** Istio's defaults. */
    public static final IssuancePolicy ISTIO = new IssuancePolicy(Duration.ofHours(24), Duration.ofDays(90), Duration.ofMinutes(2), 16 * 1024);

    public IssuancePolicy {
        if (defaultTtl.isNegative() || defaultTtl.isZero() || maxTtl.compareTo(defaultTtl) < 0) {
            throw new IllegalArgumentException("certificate TTLs must be positive and the default (" + defaultTtl
                    + ") no longer than the maximum (" + maxTtl + ")");
        }
    }
}
