package io.strait.agent.rotation;

import java.time.Duration;
import java.time.Instant;

/**
 * When to renew a workload certificate and when to retry a failed renewal, after istio-agent's secret cache
 * ({@code security/pkg/nodeagent/cache/secretcache.go}, {@code rotateTime}): renew when {@code graceRatio} of the
 * lifetime is left, the ratio moved by up to ± {@code jitter} so a fleet started together does not renew together
 * (Istio's {@code SECRET_GRACE_PERIOD_RATIO} 0.5 and {@code SECRET_GRACE_PERIOD_RATIO_JITTER} 0.01). The lifetime
 * runs from when the agent received the certificate, as Istio's {@code CreatedTime}, not from NotBefore, which the CA
 * backdates (by two minutes) for clock skew: counting from it would renew a short-lived certificate at once.
 *
 * <p>Pure: randomness comes in as arguments, so the schedule is tested without waiting.
 *
 * @param graceRatio     share of the lifetime left when renewal starts, in [0, 1]
 * @param jitter         largest change of {@code graceRatio}, either way
 * @param firstRetry     delay before the first retry of a failed renewal
 * @param maxRetry       longest delay between retries
 */
public record RotationSchedule(double graceRatio, double jitter, Duration firstRetry, Duration maxRetry) {
    /** Istio's defaults, with retries from 1 s doubling up to 1 min. */
    public static final RotationSchedule ISTIO = new RotationSchedule(0.5, 0.01, Duration.ofSeconds(1), Duration.ofMinutes(1));

    public RotationSchedule {
        if (!(graceRatio >= 0 && graceRatio <= 1) || !(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("grace ratio and jitter must be in [0, 1], not " + graceRatio + " and " + jitter);
        }
        if (firstRetry.isNegative() || firstRetry.isZero() || maxRetry.compareTo(firstRetry) < 0) {
            throw new IllegalArgumentException("retry delays must be positive with maxRetry >= firstRetry");
        }
    }

    /**
     * When to renew a certificate received at {@code receivedAt} and valid until {@code notAfter}.
     *
     * @param random a uniform sample in [0, 1): how much of the jitter to apply
     * @param later  which way the jitter goes: true shrinks the grace period (renews later)
     * @return never after {@code notAfter}, never before {@code receivedAt}
     */
    public Instant renewAt(Instant receivedAt, Instant notAfter, double random, boolean later) {
        double ratio = graceRatio + (later ? -1 : 1) * random * jitter;
        ratio = Math.max(0, Math.min(1, ratio));
        long lifeMillis = Math.max(0, Duration.between(receivedAt, notAfter).toMillis());
        Instant at = notAfter.minusMillis(Math.round(ratio * lifeMillis));
        return at.isBefore(receivedAt) ? receivedAt : at;
    }

    /**
     * The delay before retry number {@code attempt} (1 for the first) of a failed renewal: doubling from
     * {@link #firstRetry()} up to {@link #maxRetry()}, ± 10% by {@code random} so agents refused together spread out,
     * and never past the certificate's expiry: with little time left the agent retries at half of what remains (at
     * least {@link #firstRetry()}), since the current certificate is the only credential it can renew with.
     *
     * @param random a uniform sample in [0, 1)
     */
    public Duration retryDelay(int attempt, Instant now, Instant notAfter, double random) {
        long base = firstRetry.toMillis();
        long delay = base;
        for (int i = 1; i < attempt && delay < maxRetry.toMillis(); i++) {
            delay *= 2;
        }
        delay = Math.min(delay, maxRetry.toMillis());
        delay = Math.round(delay * (0.9 + 0.2 * random));
        long left = Duration.between(now, notAfter).toMillis();
        if (left > 0 && delay >= left) {
            delay = Math.max(base, left / 2);
        }
        return Duration.ofMillis(Math.max(base, delay));
    }
}
