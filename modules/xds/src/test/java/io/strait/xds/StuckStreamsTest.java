package io.strait.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
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
    private static final MethodDescriptor<byte[], byte[]> ADS = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName("envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources")
            .setRequestMarshaller(new Bytes()).setResponseMarshaller(new Bytes()).build();

    @Test
    void aBlockedStreamIsNotResetWhileOthersDrainButIsOnceTheBacklogIsGone() {
        try (StreamGuard guard = new StreamGuard(FrontLimits.defaults().withPending(64L << 20, STUCK), new SimpleMeterRegistry())) {
            Stream dead = new Stream(guard);
            dead.sendWhileBlocked();
            java.util.Queue<Stream> waiting = new java.util.concurrent.ConcurrentLinkedQueue<>();
            for (int i = 0; i < 60; i++) {
                Stream s = new Stream(guard);
                s.sendWhileBlocked();
                waiting.add(s);
            }
            List<Stream> all = new ArrayList<>(waiting);
            // the backlog drains one stream every 50 ms for 3 s: three times the stuck bound
            java.util.concurrent.ScheduledExecutorService link = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            try {
                link.scheduleAtFixedRate(() -> {
                    Stream next = waiting.poll();
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
            Stream dead = new Stream(guard);
            long start = System.nanoTime();
            dead.sendWhileBlocked();
            await().atMost(Duration.ofSeconds(3)).until(() -> dead.closed != null);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(STUCK);
        }
    }

    /** One stream through the guard, on a stand-in call whose readiness the test sets. */
    private static final class Stream {
        private final FakeCall call = new FakeCall();
        private final ServerCall.Listener<byte[]> listener;
        volatile Status closed;

        Stream(StreamGuard guard) {
            listener = guard.interceptCall(call, new Metadata(), (c, headers) -> {
                this.guarded = c;
                return new ServerCall.Listener<>() { };
            });
        }

        private ServerCall<byte[], byte[]> guarded;

        void sendWhileBlocked() {
            call.ready = false;
            guarded.sendMessage(new byte[1_000]);
        }

        void drained() {
            call.ready = true;
            listener.onReady();
        }

        private final class FakeCall extends ServerCall<byte[], byte[]> {
            volatile boolean ready = true;

            @Override
            public void request(int numMessages) {
            }

            @Override
            public void sendHeaders(Metadata headers) {
            }

            @Override
            public void sendMessage(byte[] message) {
            }

            @Override
            public void close(Status status, Metadata trailers) {
                closed = status;
            }

            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public boolean isReady() {
                return ready;
            }

            @Override
            public MethodDescriptor<byte[], byte[]> getMethodDescriptor() {
                return ADS;
            }
        }
    }

    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            return new byte[0];
        }
    }
}
