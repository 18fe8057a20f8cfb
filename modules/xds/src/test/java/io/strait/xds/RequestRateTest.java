package io.strait.xds;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-stream request budget, on a clock the test drives. */
class RequestRateTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstIsTakenAtOnceAndTheNextRequestOverItIsRefused() {
        RequestRate rate = new RequestRate(100, 200, 0);
        for (int i = 0; i < 200; i++) {
            assertThat(rate.take(0)).as("request %d of the burst", i).isTrue();
        }
        assertThat(rate.take(0)).isFalse();
    }

    @Test
    void theBucketRefillsAtTheSustainedRateUpToTheBurst() {
        RequestRate rate = new RequestRate(100, 200, 0);
        for (int i = 0; i < 200; i++) {
            rate.take(0);
        }
        // half a second: 50 more
        for (int i = 0; i < 50; i++) {
            assertThat(rate.take(SECOND / 2)).isTrue();
        }
        assertThat(rate.take(SECOND / 2)).isFalse();
        // an hour idle refills to the burst, not beyond
        int taken = 0;
        while (rate.take(3600 * SECOND)) {
            taken++;
        }
        assertThat(taken).isEqualTo(200);
    }

    @Test
    void anEnvoyLikeStreamNeverMeetsTheDefaults() {
        FrontLimits limits = FrontLimits.defaults();
        RequestRate rate = new RequestRate(limits.requestsPerSecond(), limits.requestBurst(), 0);
        // start: CDS, LDS, then EDS, RDS and two SDS, each ACKed, and a subscription update per type: a few tens at once
        for (int i = 0; i < 40; i++) {
            assertThat(rate.take(0)).isTrue();
        }
        // then an hour of pushes ten times a second (five ACKs each: 50 requests a second)
        long now = 0;
        for (int push = 0; push < 36_000; push++) {
            now += SECOND / 10;
            for (int type = 0; type < 5; type++) {
                assertThat(rate.take(now)).as("push %d", push).isTrue();
            }
        }
    }

    @Test
    void aLoopingClientIsRefusedWithinTheBurst() {
        RequestRate rate = new RequestRate(100, 200, 0);
        long now = 0;
        int served = 0;
        // 10,000 requests a second, as a client that re-sends in a loop
        while (rate.take(now)) {
            served++;
            now += SECOND / 10_000;
        }
        assertThat(served).isBetween(200, 210);
    }
}
