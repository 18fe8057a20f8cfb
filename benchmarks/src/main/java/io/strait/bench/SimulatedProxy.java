package io.strait.bench;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.strait.cli.bootstrap.EnvoyBootstrap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * One simulated Envoy sidecar: its own connection and ADS stream, subscribing to all clusters and listeners, then
 * to the endpoints of its EDS clusters and the route configurations of its listeners by name, ACKing every response
 * with its nonce — state of the world ({@link SotwProxy}) or delta ({@link DeltaProxy}). A proxy keeps only counts,
 * shared name lists and the ACK times of the keys the current {@link FleetWatch} awaits; what it learns of a resource
 * comes from {@link ResourceFacts}, parsed once for the fleet. So 10,000 proxies of a 1,000-service mesh fit in one JVM.
 * A stream the front ends is reopened after a second, with nothing held (as Envoy without its cache would).
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
    /** Per key awaited now, System.nanoTime of the first ACK of a response that held it. */
    private final ConcurrentHashMap<FleetWatch.Awaited, Long> heldAt = new ConcurrentHashMap<>(2);
    private volatile boolean closed;
    /** Streams the fronts ended (reset, GOAWAY, error) that the fleet reopened, as Envoy does. */
    static final java.util.concurrent.atomic.AtomicInteger RECONNECTS = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.concurrent.ScheduledExecutorService RETRY =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "proxy-reconnect");
                t.setDaemon(true);
                return t;
            });

    SimulatedProxy(ManagedChannel channel, String id, String namespace, String app) {
        this.namespace = namespace;
        this.channel = channel;
        // the node an Istio sidecar sends, built where the CLI's Envoy bootstrap builds it
        this.node = EnvoyBootstrap.sidecarNode("10.0.0.1", id, namespace, Map.of("app", app));
    }

    /**
     * A connection to a front (one per proxy, as Envoy; or shared by a few proxies' streams when the harness must
     * hold more proxies than it may open sockets).
     */
    static ManagedChannel channel(String host, int port, EventLoopGroup loop, Executor executor) {
        return NettyChannelBuilder.forAddress(host, port).usePlaintext().eventLoopGroup(loop)
                .channelType(NioSocketChannel.class).executor(executor).maxInboundMessageSize(MAX_RESPONSE_BYTES).build();
    }

    /** A state-of-the-world or a delta proxy, its stream opened and subscribed on {@code channel}. */
    static SimulatedProxy connect(boolean delta, ManagedChannel channel, String id, String namespace, String app) {
        return delta ? new DeltaProxy(channel, id, namespace, app) : new SotwProxy(channel, id, namespace, app);
    }

    /** Opens the ADS stream and subscribes from scratch (at start and after the front ended the stream). */
    abstract void open();

    /** The front ended the stream: reopen it after a second, holding nothing meanwhile (as Envoy, without its cache). */
    final void ended() {
        if (!closed) {
            RECONNECTS.incrementAndGet();
            RETRY.schedule(() -> {
                if (!closed) {
                    open();
                }
            }, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** How many clusters the proxy holds now. */
    abstract int clusters();

    /** What the stream holds per type (versions, nonces), for a report of the proxies a wait still waits for. */
    abstract String describe();

    /**
     * Notes a response of {@code type} on the current watch, if any, and returns the keys of that type it awaited
     * then: the ACK of this response is compared against those, not against keys added meanwhile. Empty when nothing
     * of that type is awaited (then the response's resources need not be read).
     */
    final List<FleetWatch.Awaited> received(int type, int size, Supplier<byte[]> wire, boolean delta) {
        FleetWatch watch = FleetWatch.current;
        if (watch == null) {
            return List.of();
        }
        watch.received(type, size, System.nanoTime());
        if (capture) {
            watch.captured.add(new FleetWatch.Captured(delta, wire.get()));
        }
        return watch.awaited(type);
    }

    /** Adds to {@code held} the keys of {@code awaited} that {@code facts} holds (once each). */
    static void match(ResourceFacts facts, List<FleetWatch.Awaited> awaited, List<FleetWatch.Awaited> held) {
        for (FleetWatch.Awaited key : awaited) {
            if (facts.holds(key.expect) && !held.contains(key)) {
                held.add(key);
            }
        }
    }

    /**
     * After the ACK was sent: records its time for each key the response held (the first time only), and forgets the
     * times of keys no longer awaited, so a proxy holds at most one time per key in flight.
     */
    final void acked(List<FleetWatch.Awaited> held) {
        FleetWatch watch = FleetWatch.current;
        if (watch == null) {
            return; // between revisions: what was recorded stays readable
        }
        if (!heldAt.isEmpty()) {
            heldAt.keySet().removeIf(k -> !watch.awaits(k));
        }
        if (!held.isEmpty()) {
            long now = System.nanoTime();
            for (FleetWatch.Awaited key : held) {
                if (watch.awaits(key)) {
                    heldAt.putIfAbsent(key, now);
                }
            }
        }
    }

    /** Whether this proxy ACKed a response holding {@code key} (received after the key was awaited). */
    final boolean holds(FleetWatch.Awaited key) {
        return heldAt.containsKey(key);
    }

    /** System.nanoTime of that ACK; -1 while it has not been ACKed. */
    final long ackedAt(FleetWatch.Awaited key) {
        return heldAt.getOrDefault(key, -1L);
    }

    /** Stops reopening the stream; the fleet shuts the connections down. */
    @Override
    public void close() {
        closed = true;
    }
}
