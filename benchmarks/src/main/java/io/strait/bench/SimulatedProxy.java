package io.strait.bench;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One simulated Envoy sidecar: its own connection and ADS stream, subscribing to all clusters and listeners, then
 * to the endpoints of its EDS clusters and the route configurations of its listeners by name, ACKing every response
 * with its nonce — state of the world ({@link SotwProxy}) or delta ({@link DeltaProxy}). A proxy keeps only counts,
 * shared name lists and the ACK time of what the current {@link FleetWatch} waits for; what it learns of a resource
 * comes from {@link ResourceFacts}, parsed once for the fleet. So 10,000 proxies of a 1,000-service mesh fit in one JVM.
 */
abstract class SimulatedProxy implements AutoCloseable {
    /** Far more than any response of the meshes the harness makes (grpc-java's default is 4 MiB). */
    static final int MAX_RESPONSE_BYTES = 256 << 20;

    final ManagedChannel channel;
    final Node node;
    /** The proxy's namespace. */
    final String namespace;
    /** Whether this proxy keeps the bytes of what it receives during a watch (one proxy of the fleet does). */
    volatile boolean capture;
    private volatile FleetWatch seen;
    private volatile long seenAt;

    SimulatedProxy(String host, int port, String id, String namespace, String app, EventLoopGroup loop, Executor executor) {
        this.namespace = namespace;
        this.channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().eventLoopGroup(loop)
                .channelType(NioSocketChannel.class).executor(executor).maxInboundMessageSize(MAX_RESPONSE_BYTES).build();
        this.node = Node.newBuilder().setId("sidecar~10.0.0.1~" + id + "." + namespace + "~" + namespace + ".svc.cluster.local")
                .setMetadata(Struct.newBuilder()
                        .putFields("NAMESPACE", Value.newBuilder().setStringValue(namespace).build())
                        .putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder()
                                .putFields("app", Value.newBuilder().setStringValue(app).build())).build()))
                .build();
    }

    /** A state-of-the-world or a delta proxy, connected and subscribed. */
    static SimulatedProxy connect(boolean delta, String host, int port, String id, String namespace, String app,
                                  EventLoopGroup loop, Executor executor) {
        return delta ? new DeltaProxy(host, port, id, namespace, app, loop, executor)
                : new SotwProxy(host, port, id, namespace, app, loop, executor);
    }

    /** How many clusters the proxy holds now. */
    abstract int clusters();

    /**
     * Notes a response of {@code type} on the current watch, if any, and returns that watch: the ACK of this
     * response is compared against it, not against one set meanwhile.
     */
    final FleetWatch received(int type, int size, Supplier<byte[]> wire, boolean delta) {
        FleetWatch watch = FleetWatch.current;
        if (watch != null) {
            watch.received(type, size, System.nanoTime());
            if (capture) {
                watch.captured.add(new FleetWatch.Captured(delta, wire.get()));
            }
        }
        return watch;
    }

    /** After the ACK was sent: records its time if the response held what the watch waits for (the first time only). */
    final void acked(FleetWatch watch, boolean holds) {
        if (holds && seen != watch) {
            seenAt = System.nanoTime();
            seen = watch;
        }
    }

    /** Whether this proxy ACKed a response holding what {@code watch} waits for. */
    final boolean holds(FleetWatch watch) {
        return seen == watch;
    }

    /** System.nanoTime of that ACK (valid once {@link #holds} is true). */
    final long ackedAt() {
        return seenAt;
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
