package io.strait.xds;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.DefaultExecutorGroup;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.controlplane.server.serializer.CachedProtoResourcesSerializer;
import io.grpc.Server;
import io.micrometer.core.instrument.MeterRegistry;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.strait.bus.envelope.EndpointAssignment;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.PollLoop;
import io.strait.bus.topic.Topics;
import io.strait.model.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An xDS front: a stateless ADS server (java-control-plane, state of the world) that serves each proxy the
 * snapshot of its scope, built from the manifests and resources on the bus. Any number of fronts can run; they
 * share nothing but Kafka.
 */
public final class XdsFront implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(XdsFront.class);

    private final BusConfig bus;
    private final String bindHost;
    private final int requestedPort;
    private final String frontId;
    private final MeterRegistry metrics;
    private final long leaseMillis;
    private final ExecutorService fanOut = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "strait-xds-fanout");
        t.setDaemon(true);
        return t;
    });
    /** Per scope, completes once its first snapshot is live. */
    private final java.util.Map<String, java.util.concurrent.CompletableFuture<Void>> firstSnapshots =
            new java.util.concurrent.ConcurrentHashMap<>();
    private ProxyReporter reporter;
    private volatile ProxyTracker tracker;
    private PollLoop loop;
    private Server server;

    /**
     * @param bus      the Kafka cluster
     * @param bindHost address to listen on
     * @param port     port to listen on (0 picks a free one)
     * @param frontId  this front's id, recorded with each proxy it serves
     * @param metrics  where the front's metrics go (lease: 6 s)
     */
    public XdsFront(BusConfig bus, String bindHost, int port, String frontId, MeterRegistry metrics) {
        this(bus, bindHost, port, frontId, metrics, 6_000);
    }

    /**
     * @param leaseMillis how long this front's lease holds without renewal: after a crash, the proxies it served that
     *                    never reconnected elsewhere stop being counted this long after its last renewal
     */
    public XdsFront(BusConfig bus, String bindHost, int port, String frontId, MeterRegistry metrics, long leaseMillis) {
        this.leaseMillis = leaseMillis;
        this.bus = bus;
        this.metrics = metrics;
        this.bindHost = bindHost;
        this.requestedPort = port;
        this.frontId = frontId;
    }

    public XdsFront start() throws IOException {
        io.envoyproxy.controlplane.cache.NodeGroup<String> groups = node -> {
            try {
                return NodeIdentities.of(node).scopeId();
            } catch (IllegalArgumentException e) {
                return "invalid"; // the stream is refused by ProxyTracker before any watch is served
            }
        };
        SimpleCache<String> cache = new ScopeCache(groups);
        reporter = new ProxyReporter(bus, frontId, leaseMillis, () -> tracker == null ? 0 : tracker.connectedProxies());
        ScopeSnapshots[] snapshots = new ScopeSnapshots[1];
        NackLedger ledger = new NackLedger();
        DeltaVersions delta = new DeltaVersions();
        tracker = new ProxyTracker(frontId, reporter, scope -> snapshots[0].applied(scope), ledger, delta,
                connected -> new FrontMetrics(metrics, connected));
        snapshots[0] = new ScopeSnapshots(cache, fanOut, m -> {
            tracker.manifestApplied(m);
            firstSnapshots.computeIfAbsent(m.scope(), s -> new java.util.concurrent.CompletableFuture<>()).complete(null);
        });
        java.util.concurrent.CountDownLatch caughtUp = new java.util.concurrent.CountDownLatch(1);
        loop = follow(snapshots[0], caughtUp);
        // serve nothing before the bus has been read to its end: a front catching up would serve stale scopes
        try {
            if (!caughtUp.await(120, TimeUnit.SECONDS)) {
                throw new IOException("xDS front " + frontId + " could not read the xDS topics to their end within 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while catching up", e);
        }
        // The cached serializer packs each resource into an Any once (keyed weakly by the resource instance a
        // snapshot holds), so a revision sent to thousands of proxies of one scope is serialized once, not per stream.
        V3DiscoveryServer discovery = new V3DiscoveryServer(List.of(tracker), new NackHoldingWatcher(cache, groups,
                ledger, delta, scope -> firstSnapshots.computeIfAbsent(scope, s -> new java.util.concurrent.CompletableFuture<>())),
                new DefaultExecutorGroup(), new CachedProtoResourcesSerializer());
        server = NettyServerBuilder.forAddress(new InetSocketAddress(bindHost, requestedPort))
                .addService(discovery.getAggregatedDiscoveryServiceImpl())
                .addService(discovery.getClusterDiscoveryServiceImpl())
                .addService(discovery.getEndpointDiscoveryServiceImpl())
                .addService(discovery.getListenerDiscoveryServiceImpl())
                .addService(discovery.getRouteDiscoveryServiceImpl())
                .addService(new LoadReports(metrics))
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .build()
                .start();
        LOG.info("xDS front {} listening on {}:{}", frontId, bindHost, server.getPort());
        return this;
    }

    public int port() {
        return server.getPort();
    }

    public String frontId() {
        return frontId;
    }

    public int connectedProxies() {
        return tracker.connectedProxies();
    }

    private PollLoop follow(ScopeSnapshots snapshots, java.util.concurrent.CountDownLatch caughtUp) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(bus.consumer("xds", null));
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.XDS_RESOURCES, Topics.XDS_ENDPOINTS, Topics.XDS_SCOPES)) {
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        java.util.Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        return new PollLoop("xds-" + frontId, consumer, Duration.ofMillis(200), records -> {
            // resources first: a manifest in the same batch can then be applied at once
            for (ConsumerRecord<String, byte[]> r : records.records(Topics.XDS_RESOURCES)) {
                if (r.value() != null) {
                    try {
                        snapshots.resource(r.key(), r.value());
                    } catch (IllegalArgumentException e) {
                        LOG.error("skipping resource {}: {}", r.key(), e.getMessage());
                    }
                }
            }
            for (ConsumerRecord<String, byte[]> r : records.records(Topics.XDS_ENDPOINTS)) {
                if (r.value() != null) {
                    try {
                        snapshots.assignment(Json.read(r.value(), EndpointAssignment.class));
                    } catch (IllegalArgumentException e) {
                        LOG.error("skipping endpoint assignment {}: {}", r.key(), e.getMessage());
                    }
                }
            }
            for (ConsumerRecord<String, byte[]> r : records.records(Topics.XDS_SCOPES)) {
                if (r.value() != null) {
                    snapshots.manifest(Json.read(r.value(), ScopeManifest.class));
                }
            }
            snapshots.flush();
            if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                snapshots.goLive();
                caughtUp.countDown();
            }
        }).start();
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdownNow();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (tracker != null) {
            tracker.unregisterAll();
        }
        if (loop != null) {
            loop.close();
        }
        if (reporter != null) {
            reporter.close();
        }
        fanOut.shutdownNow();
    }
}
