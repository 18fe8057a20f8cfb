package io.strait.agent.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RotationScheduleTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final RotationSchedule istio = RotationSchedule.ISTIO;

    @Test
    void renewsAtHalfTheLifeCountedFromReceipt() {
        assertThat(istio.renewAt(T0, T0.plus(Duration.ofHours(24)), 0, true)).isEqualTo(T0.plus(Duration.ofHours(12)));
    }

    @Test
    void jitterMovesTheRatioByAtMostOnePercentEitherWay() {
        Instant notAfter = T0.plus(Duration.ofHours(24));
        // 1% of 24h is 14.4 minutes, as Istio's release note says ("+/- approximately 15 minutes")
        assertThat(istio.renewAt(T0, notAfter, 0.999999, true)).isCloseTo(T0.plus(Duration.ofHours(12)).plus(Duration.ofSeconds(864)),
                org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.SECONDS));
        assertThat(istio.renewAt(T0, notAfter, 0.999999, false)).isCloseTo(T0.plus(Duration.ofHours(12)).minus(Duration.ofSeconds(864)),
                org.assertj.core.api.Assertions.within(1, java.time.temporal.ChronoUnit.SECONDS));
    }

    @Test
    void neverBeforeReceiptNorAfterExpiry() {
        RotationSchedule wide = new RotationSchedule(0.5, 1, Duration.ofSeconds(1), Duration.ofMinutes(1));
        Instant notAfter = T0.plusSeconds(20);
        assertThat(wide.renewAt(T0, notAfter, 0.99, false)).isEqualTo(T0);
        assertThat(wide.renewAt(T0, notAfter, 0.99, true)).isBefore(notAfter.plusMillis(1));
        assertThat(istio.renewAt(T0, T0.minusSeconds(5), 0.5, true)).isEqualTo(T0);
    }

    @Test
    void retriesDoubleUpToTheCap() {
        Instant far = T0.plus(Duration.ofDays(1));
        assertThat(istio.retryDelay(1, T0, far, 0.5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(istio.retryDelay(2, T0, far, 0.5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(istio.retryDelay(5, T0, far, 0.5)).isEqualTo(Duration.ofSeconds(16));
        assertThat(istio.retryDelay(30, T0, far, 0.5)).isEqualTo(Duration.ofMinutes(1));
        assertThat(istio.retryDelay(30, T0, far, 0.999)).isLessThanOrEqualTo(Duration.ofSeconds(66));
    }

    @Test
    void aRetryNeverWaitsPastExpiry() {
        Instant soon = T0.plusSeconds(10);
        assertThat(istio.retryDelay(30, T0, soon, 0.5)).isEqualTo(Duration.ofSeconds(5));
        assertThat(istio.retryDelay(30, T0, T0.plusMillis(1500), 0.5)).isEqualTo(Duration.ofSeconds(1));
    }
}
