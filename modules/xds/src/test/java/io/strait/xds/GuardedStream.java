package io.strait.xds;

import com.google.protobuf.BytesValue;
import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One discovery stream through a {@link StreamGuard}, on a stand-in gRPC call whose readiness the test sets: what the
 * guard hands to gRPC is recorded, and a call can be made to go not ready with each response it takes (a large
 * response fills gRPC's buffer), as a slow client's does.
 */
final class GuardedStream {
    private static final MethodDescriptor<BytesValue, BytesValue> ADS = MethodDescriptor.<BytesValue, BytesValue>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
            .setFullMethodName("envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources")
            .setRequestMarshaller(new Bytes()).setResponseMarshaller(new Bytes()).build();

    private final FakeCall call = new FakeCall();
    private final ServerCall.Listener<BytesValue> listener;
    private ServerCall<BytesValue, BytesValue> guarded;
    /** How the front ended the stream, or null while it is open. */
    volatile Status closed;
    /** What the guard handed to gRPC, in order. */
    final List<BytesValue> handed = new CopyOnWriteArrayList<>();
    /** Whether each response handed leaves the call not ready until {@link #drained}. */
    volatile boolean fillsOnEachResponse;
    /** Whether gRPC cannot take a response (Netty out of direct memory). */
    volatile boolean sendFails;

    GuardedStream(StreamGuard guard) {
        listener = guard.interceptCall(call, new Metadata(), (c, headers) -> {
            this.guarded = c;
            return new ServerCall.Listener<>() { };
        });
    }

    /** A response of {@code size} bytes (its first byte says which), as the engine sends it. */
    static BytesValue response(int size, int mark) {
        byte[] bytes = new byte[size - 3]; // the field's tag and length take the other bytes
        bytes[0] = (byte) mark;
        BytesValue v = BytesValue.of(ByteString.copyFrom(bytes));
        assert v.getSerializedSize() == size;
        return v;
    }

    void send(BytesValue response) {
        guarded.sendMessage(response);
    }

    void sendWhileBlocked(BytesValue response) {
        call.ready = false;
        guarded.sendMessage(response);
    }

    boolean ready() {
        return call.ready;
    }

    /** The client read what it was sent: gRPC says the stream is ready again. */
    void drained() {
        call.ready = true;
        listener.onReady();
    }

    /** The client went away. */
    void cancelled() {
        listener.onCancel();
    }

    private final class FakeCall extends ServerCall<BytesValue, BytesValue> {
        volatile boolean ready = true;

        @Override
        public void request(int numMessages) {
        }

        @Override
        public void sendHeaders(Metadata headers) {
        }

        @Override
        public void sendMessage(BytesValue message) {
            if (sendFails) {
                throw new OutOfMemoryError("Cannot reserve 2097152 bytes of direct buffer memory");
            }
            handed.add(message);
            if (fillsOnEachResponse) {
                ready = false;
            }
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
        public MethodDescriptor<BytesValue, BytesValue> getMethodDescriptor() {
            return ADS;
        }
    }

    private static final class Bytes implements MethodDescriptor.Marshaller<BytesValue> {
        @Override
        public InputStream stream(BytesValue value) {
            return new ByteArrayInputStream(value.toByteArray());
        }

        @Override
        public BytesValue parse(InputStream stream) {
            return BytesValue.getDefaultInstance();
        }
    }
}
