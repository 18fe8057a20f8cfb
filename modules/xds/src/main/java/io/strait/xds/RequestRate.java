package io.strait.xds;

/**
 * The request budget of one discovery stream: a token bucket holding up to {@code burst} requests, refilled at
 * {@code perSecond}. Each request takes one; a request that finds the bucket empty is over the rate. Plain state,
 * driven by the caller's clock (nanoseconds), so it is tested without waiting; not thread-safe (a stream's listener
 * calls it under its own lock, one request at a time).
 */
final class RequestRate {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    /**
     * @param perSecond sustained requests per second
     * @param burst     requests that may come at once (the bucket starts full)
     * @param now       the clock's reading at the stream's start
     */
    RequestRate(int perSecond, int burst, long now) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = now;
    }

    /** Takes one request's token at {@code now}; false when there is none (the stream is over its rate). */
    boolean take(long now) {
        if (now > last) {
            tokens = Math.min(burst, tokens + (now - last) * perNano);
            last = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
