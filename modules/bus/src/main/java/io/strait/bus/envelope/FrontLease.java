package io.strait.bus.envelope;

/**
 * The value of {@code strait.fronts.v1}, keyed by front id: a front's lease, renewed every third of
 * {@code leaseMillis} while it runs and tombstoned when it stops cleanly. The proxies a front registered are counted
 * only while its lease holds: a front that crashed cannot unregister the proxies that never reconnected elsewhere,
 * and its lease running out is how readers learn of it.
 *
 * @param v           envelope version
 * @param front       the front id
 * @param at          epoch millis of this renewal (the front's clock)
 * @param leaseMillis how long the lease holds after {@code at}
 * @param proxies     proxies connected to the front at renewal
 */
public record FrontLease(int v, String front, long at, long leaseMillis, int proxies) {

    /** True while the lease holds at {@code now}. */
    public boolean holdsAt(long now) {
        return now - at <= leaseMillis;
    }
}
