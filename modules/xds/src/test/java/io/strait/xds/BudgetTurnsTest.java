package io.strait.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.BytesValue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The front's budget of bytes in flight: a revision that owes every stream a large response (row D at 10,000
 * state-of-the-world proxies: 2.5 MB of clusters each) once handed all of them to gRPC at once, and the front ran out
 * of direct memory. Now streams take turns: a response goes to gRPC only while the bytes in flight leave room for it,
 * the others wait on their streams in order, and each stream that drains lets the next in. The gRPC calls are
 * stand-ins that go not ready with each response (a large one fills gRPC's buffer) until the test drains them.
 */
class BudgetTurnsTest {
    private static final int RESPONSE = 4_000;
    /** Room for two responses in flight. */
    private static final long BUDGET = 2 * RESPONSE + 1_000;

    @Test
    void streamsOwedMoreThanTheBudgetTakeTurnsAndEachGetsItsResponsesInOrder() {
        FrontLimits limits = FrontLimits.defaults().withPending(64L << 20, Duration.ofSeconds(60)).withUnsent(BUDGET);
        try (StreamGuard guard = new StreamGuard(limits, new SimpleMeterRegistry())) {
            List<GuardedStream> streams = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                GuardedStream s = new GuardedStream(guard);
                s.fillsOnEachResponse = true;
                streams.add(s);
            }
            GuardedStream leaving = streams.get(7);
            for (GuardedStream s : streams) {
                s.send(GuardedStream.response(RESPONSE, 1)); // clusters, then listeners, as a push sends them
                s.send(GuardedStream.response(RESPONSE, 2));
            }
            assertThat(streams.stream().mapToInt(s -> s.handed.size()).sum()).as("handed to gRPC at once").isEqualTo(2);
            assertThat(guard.inFlightBytes()).isEqualTo(2L * RESPONSE);
            assertThat(guard.unsentBytes()).as("all of it still unread").isEqualTo(40L * RESPONSE);
            leaving.cancelled(); // a client that goes away while it waits: its turn and its bytes are given up

            // the link: whatever is in flight drains, one stream at a time; never more than the budget in flight
            long[] mostInFlight = {0};
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5)).until(() -> {
                mostInFlight[0] = Math.max(mostInFlight[0], guard.inFlightBytes());
                streams.stream().filter(s -> s != leaving && !s.ready()).findFirst().ifPresent(GuardedStream::drained);
                return streams.stream().filter(s -> s != leaving).allMatch(s -> s.handed.size() == 2 && s.ready());
            });
            assertThat(mostInFlight[0]).isLessThanOrEqualTo(BUDGET);
            for (GuardedStream s : streams) {
                if (s != leaving) {
                    assertThat(s.handed).extracting(v -> (int) v.getValue().byteAt(0)).as("in the order sent").containsExactly(1, 2);
                    assertThat(s.closed).as("a stream that waited its turn is not reset").isNull();
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> guard.inFlightBytes() == 0 && guard.unsentBytes() == 0);
        }
    }

    @Test
    void aStreamThatCannotBeSentToWhenItsTurnComesEndsAndTheNextStillGetsItsTurn() {
        FrontLimits limits = FrontLimits.defaults().withUnsent(RESPONSE);
        try (StreamGuard guard = new StreamGuard(limits, new SimpleMeterRegistry())) {
            GuardedStream first = new GuardedStream(guard);
            GuardedStream failing = new GuardedStream(guard);
            GuardedStream last = new GuardedStream(guard);
            first.fillsOnEachResponse = true;
            failing.sendFails = true;
            for (GuardedStream s : List.of(first, failing, last)) {
                s.send(GuardedStream.response(RESPONSE, 1));
            }
            assertThat(failing.handed).isEmpty();
            first.drained();
            await().atMost(Duration.ofSeconds(5)).until(() -> last.handed.size() == 1);
            assertThat(failing.closed.getCode()).as("its client reconnects and is served whole")
                    .isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
            await().atMost(Duration.ofSeconds(5)).until(() -> guard.inFlightBytes() == 0 && guard.unsentBytes() == 0);
        }
    }

    @Test
    void aResponseLargerThanTheWholeBudgetStillGoesOutAlone() {
        FrontLimits limits = FrontLimits.defaults().withUnsent(1_000);
        try (StreamGuard guard = new StreamGuard(limits, new SimpleMeterRegistry())) {
            GuardedStream big = new GuardedStream(guard);
            GuardedStream next = new GuardedStream(guard);
            big.fillsOnEachResponse = true;
            BytesValue huge = GuardedStream.response(RESPONSE, 9);
            big.send(huge);
            next.send(GuardedStream.response(500, 1));
            assertThat(big.handed).containsExactly(huge);
            assertThat(next.handed).as("waits until the large one has gone out").isEmpty();
            big.drained();
            await().atMost(Duration.ofSeconds(5)).until(() -> next.handed.size() == 1);
        }
    }
}
