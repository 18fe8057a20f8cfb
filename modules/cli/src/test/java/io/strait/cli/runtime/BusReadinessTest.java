package io.strait.cli.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@code /readyz} says with the bus up and down, for a process with and without an xDS front. */
class BusReadinessTest {
    @Test
    void aProcessIsReadyWhileTheBusAnswers() {
        assertThat(BusReadiness.of(false, -1, "k:9092")).isEqualTo(new BusReadiness(200, "ok\n"));
        assertThat(BusReadiness.of(true, -1, "k:9092")).isEqualTo(new BusReadiness(200, "ok\n"));
    }

    @Test
    void withoutAFrontAProcessIsNotReadyAndSaysSinceWhenAndWhichBus() {
        assertThat(BusReadiness.of(false, 12_400, "k1:9092,k2:9092"))
                .isEqualTo(new BusReadiness(503, "bus unreachable for 12 s: k1:9092,k2:9092\n"));
    }

    @Test
    void aFrontStaysReadyOnItsLastConfigAndSaysTheBusIsDown() {
        BusReadiness r = BusReadiness.of(true, 3_000, "k:9092");
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok: serving the last config from memory; bus unreachable for 3 s: k:9092\n");
    }
}
