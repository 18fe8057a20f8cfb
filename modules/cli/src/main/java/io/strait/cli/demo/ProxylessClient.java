package io.strait.cli.demo;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.NameResolverRegistry;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.xds.XdsNameResolverProvider;
import io.strait.agent.bootstrap.GrpcBootstrap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A proxyless gRPC client of one service through Strait: gRPC's own xDS implementation resolves
 * {@code xds:///<host>:<port>}, takes listeners, routes, clusters and endpoints from Strait, and does the routing
 * and weighting itself. Each client has its own bootstrap (node id), so several can live in one JVM.
 */
public final class ProxylessClient implements AutoCloseable {
    private static final AtomicInteger SCHEMES = new AtomicInteger();

    private final ManagedChannel channel;

    /**
     * @param bootstrap who the client is and where Strait's xDS front is
     * @param authority the service to dial, {@code <host>:<port>}
     */
    public ProxylessClient(GrpcBootstrap bootstrap, String authority) {
        this(bootstrap, authority, InsecureChannelCredentials.create());
    }

    /**
     * @param bootstrap   who the client is and where its xDS server is (for a secured workload, its agent's bootstrap)
     * @param authority   the service to dial, {@code <host>:<port>}
     * @param credentials the channel's credentials: {@code XdsChannelCredentials} for mTLS when Strait's clusters say
     */
    public ProxylessClient(GrpcBootstrap bootstrap, String authority, ChannelCredentials credentials) {
        // a scheme per client keeps gRPC's shared xDS client pool (keyed by target) from mixing bootstraps
        String scheme = "strait-xds-" + SCHEMES.incrementAndGet();
        NameResolverRegistry.getDefaultRegistry().register(XdsNameResolverProvider.createForTest(scheme, bootstrap.toMap()));
        this.channel = Grpc.newChannelBuilder(scheme + ":///" + authority, credentials).build();
    }

    /** One RPC with the given request headers; returns the name of the backend that answered. */
    public String call(Map<String, String> headers, long timeoutMillis) {
        return call(headers, "hello", timeoutMillis);
    }

    /** One RPC with the given headers and request body (backends may key behaviour on it). */
    public String call(Map<String, String> headers, String body, long timeoutMillis) {
        return ClientCalls.blockingUnaryCall(withHeaders(headers), EchoService.CALL,
                CallOptions.DEFAULT.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS), body);
    }

    /** One RPC sent without waiting for its answer; the future completes with the backend's name or the failure. */
    public java.util.concurrent.Future<String> callAsync(Map<String, String> headers, String body, long timeoutMillis) {
        return ClientCalls.futureUnaryCall(withHeaders(headers)
                .newCall(EchoService.CALL, CallOptions.DEFAULT.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)), body);
    }

    /** The channel, sending the given request headers with every call. */
    private io.grpc.Channel withHeaders(Map<String, String> headers) {
        Metadata md = new Metadata();
        headers.forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
        return io.grpc.ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md));
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
