package io.strait.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stuck timer against a front working through a backlog: a stream is reset for holding unsent responses too long,
 * but not while the front is still getting other blocked streams' bytes out (a change resent in full to 10,000
 * streams on a busy front: each waits its turn). The gRPC calls are stand-ins whose readiness the test sets; the guard,
 * its sweep and its clocks are the front's.
 */
class StuckStreamsTest {
    private static final Duration STUCK = Duration.ofSeconds(1);

    @Test
    void aBlockedStreamIsNotResetWhileOthersDrainButIsOnceTheBacklogIsGone() {
        try (StreamGuard guard = new StreamGuard(FrontLimits.defaults().withPending(64L << 20, STUCK), new SimpleMeterRegistry())) {
            GuardedStream dead = new GuardedStream(guard);
            dead.sendWhileBlocked(GuardedStream.response(1_000, 0));
            java.util.Queue<GuardedStream> waiting = new java.util.concurrent.ConcurrentLinkedQueue<>();
            for (int i = 0; i < 60; i++) {
                GuardedStream s = new GuardedStream(guard);
                s.sendWhileBlocked(GuardedStream.response(1_000, 0));
                waiting.add(s);
            }
            List<GuardedStream> all = new ArrayList<>(waiting);
            // the backlog drains one stream every 50 ms for 3 s: three times the stuck bound
            java.util.concurrent.ScheduledExecutorService link = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            try {
                link.scheduleAtFixedRate(() -> {
                    GuardedStream next = waiting.poll();
                    if (next != null) {
                        next.drained();
                    }
                }, 50, 50, java.util.concurrent.TimeUnit.MILLISECONDS);
                await().during(Duration.ofMillis(2_700)).atMost(Duration.ofSeconds(4))
                        .until(() -> dead.closed == null);
                // nothing drains any more: the dead stream's clock runs and it is reset within the bound (and a sweep)
                await().atMost(Duration.ofSeconds(4)).until(() -> dead.closed != null);
            } finally {
                link.shutdownNow();
            }
            assertThat(waiting).isEmpty();
            assertThat(dead.closed.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(all).allSatisfy(s -> assertThat(s.closed).as("a stream that drained").isNull());
        }
    }

    @Test
    void aBlockedStreamAloneIsResetAfterTheBound() {
        try (StreamGuard guard = new StreamGuard(FrontLimits.defaults().withPending(64L << 20, STUCK), new SimpleMeterRegistry())) {
            GuardedStream dead = new GuardedStream(guard);
            long start = System.nanoTime();
            dead.sendWhileBlocked(GuardedStream.response(1_000, 0));
            await().atMost(Duration.ofSeconds(3)).until(() -> dead.closed != null);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(STUCK);
        }
    }
}
