package io.strait.it;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One ADS stream driven by hand, for tests that must send exactly the requests a proxy would (names, nonces,
 * NACKs) and see every response the front sends back, in order.
 */
final class RawAdsStream implements AutoCloseable {
    /** A proxyless gRPC client in bookinfo, as the tests' mesh expects one. */
    static final Node GRPC_CLIENT = Node.newBuilder().setId("sidecar~127.0.0.1~app-1.bookinfo~bookinfo.svc.cluster.local")
            .setMetadata(Struct.newBuilder().putFields("GENERATOR", Value.newBuilder().setStringValue("grpc").build())).build();

    private final ManagedChannel channel;
    private final LinkedBlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
    private final StreamObserver<DiscoveryRequest> requests;
    private final java.util.concurrent.CompletableFuture<Throwable> ended = new java.util.concurrent.CompletableFuture<>();

    RawAdsStream(int xdsPort) {
        this(NettyChannelBuilder.forAddress("127.0.0.1", xdsPort).usePlaintext().build());
    }

    /** A stream over {@code channel} (a TLS channel to the secure port, say); closed with the stream. */
    RawAdsStream(ManagedChannel channel) {
        this.channel = channel;
        requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryResponse r) {
                responses.add(r);
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(t);
            }

            @Override
            public void onCompleted() {
                ended.complete(null);
            }
        });
    }

    void send(DiscoveryRequest request) {
        requests.onNext(request);
    }

    /** The next response, or null if none comes within {@code seconds}. */
    DiscoveryResponse next(long seconds) throws InterruptedException {
        return responses.poll(seconds, TimeUnit.SECONDS);
    }

    /** How the server ended the stream (null: completed), waiting at most {@code seconds}. */
    Throwable ending(long seconds) throws Exception {
        return ended.get(seconds, TimeUnit.SECONDS);
    }

    /** How the server ended the stream if it has, without waiting; null while it is open (or if it completed). */
    Throwable endedNow() {
        return ended.getNow(null);
    }

    /** Responses received and not yet taken. */
    int queued() {
        return responses.size();
    }

    @Override
    public void close() {
        requests.onCompleted();
        channel.shutdownNow();
    }
}
