package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.CompletableFuture;

/**
 * The hostile and broken clients of issue 15, each over its own real connection, shared by the tests and the
 * push-latency figure.
 */
final class HostileClients {
    static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
    static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

    /** The never-reading client's node: a gRPC client of its own, so the logs name it. */
    static final io.envoyproxy.envoy.config.core.v3.Node STUCK = RawAdsStream.GRPC_CLIENT.toBuilder()
            .setId("sidecar~127.0.0.9~stuck-1.bookinfo~bookinfo.svc.cluster.local").build();

    private HostileClients() {
    }

    /** A refusal a client may be shown: one short line, no stack frame, no exception class. */
    static void assertClean(Status status) {
        String d = status.getDescription();
        assertThat(d).as("a refusal says why").isNotBlank();
        assertThat(d).as("one line").doesNotContain("\n").doesNotContain("\tat ");
        assertThat(d).as("no exception class").doesNotContainPattern("[A-Za-z]+(Exception|Error)\\b");
        assertThat(d.length()).as("short: " + d).isLessThan(400);
    }

    /**
     * A request whose node id is not UTF-8, which no protobuf builder lets one make: a placeholder id is serialized
     * and its bytes replaced.
     */
    static byte[] notUtf8Id() {
        byte[] bytes = DiscoveryRequest.newBuilder().setTypeUrl(LDS).setNode(io.envoyproxy.envoy.config.core.v3.Node.newBuilder()
                .setId("sZZZ")).build().toByteArray();
        for (int i = 0; i + 3 < bytes.length; i++) {
            if (bytes[i] == 's' && bytes[i + 1] == 'Z' && bytes[i + 2] == 'Z' && bytes[i + 3] == 'Z') {
                bytes[i + 1] = (byte) 0xC3;
                bytes[i + 2] = (byte) 0x28;
                bytes[i + 3] = (byte) 0xFF;
                return bytes;
            }
        }
        throw new IllegalStateException("placeholder not found");
    }

    /** Sends {@code request} as the first message of an ADS stream and returns how the stream ended (30 s bound). */
    static Status sendRaw(int port, byte[] request) throws Exception {
        io.grpc.MethodDescriptor.Marshaller<byte[]> raw = new io.grpc.MethodDescriptor.Marshaller<>() {
            public java.io.InputStream stream(byte[] value) {
                return new java.io.ByteArrayInputStream(value);
            }

            public byte[] parse(java.io.InputStream stream) {
                try {
                    return stream.readAllBytes();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        var method = AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod().toBuilder(raw, raw).build();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            CompletableFuture<Status> ended = new CompletableFuture<>();
            ClientCall<byte[], byte[]> call = channel.newCall(method, CallOptions.DEFAULT);
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onClose(Status status, Metadata trailers) {
                    ended.complete(status);
                }
            }, new Metadata());
            call.request(1);
            call.sendMessage(request);
            return ended.get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            channel.shutdownNow();
        }
    }

    /**
     * A client that takes its first response and never reads again, while it keeps the front answering: each
     * request names the nonce the front will give its next response (java-control-plane numbers them per stream from
     * 0) and a version it never had, so the front answers every one of them with a full response at once. Its window
     * is small, so the front's queue is what grows.
     */
    static final class NeverReads implements AutoCloseable {
        final ManagedChannel channel;
        final ClientCall<DiscoveryRequest, DiscoveryResponse> call;
        final CompletableFuture<DiscoveryResponse> first = new CompletableFuture<>();
        final CompletableFuture<Status> ended = new CompletableFuture<>();
        private final io.envoyproxy.envoy.config.core.v3.Node node;

        NeverReads(int port, io.envoyproxy.envoy.config.core.v3.Node node) {
            this.node = node;
            channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().flowControlWindow(64 * 1024).build();
            call = channel.newCall(AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod(), CallOptions.DEFAULT);
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onMessage(DiscoveryResponse message) {
                    first.complete(message);
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    ended.complete(status);
                }
            }, new Metadata());
            call.request(1); // the first response only: nothing more is ever taken
            call.sendMessage(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(LDS).build());
        }

        /** Asks for responses {@code from}..{@code to} (nonces) without reading any. */
        void demand(int from, int to) {
            for (int n = from; n <= to && !ended.isDone(); n++) {
                call.sendMessage(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(LDS)
                        .setResponseNonce(Integer.toString(n)).setVersionInfo("never-had-" + n).build());
            }
        }

        @Override
        public void close() {
            channel.shutdownNow();
        }
    }
}
