package io.strait.xds;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.strait.ca.grpc.SecurePort;
import io.micrometer.core.instrument.MeterRegistry;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.PollLoop;
import io.strait.bus.topic.Topics;
import io.strait.xds.ads.AdsEngine;
import io.strait.xds.ads.AdsServices;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An xDS front: a stateless ADS server (Strait's own engine, {@link AdsEngine}: state of the world and delta) that
 * serves each proxy the view of its scope, built from the manifests and resources on the bus. Any number of fronts can run; they
 * share nothing but Kafka. The same discovery services are served on the plaintext port (the demo's) and on the secure
 * port, where the caller's certificate must prove the node's namespace and service account ({@link FrontSecurity});
 * {@code credentialName} secrets come from the front's own secret directory, to authenticated streams only.
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
    private ProxyReporter reporter;
    private volatile ProxyTracker tracker;
    private PollLoop loop;
    private Server server;
    private final FrontSecurity security;
    private NamespaceSecrets secrets;
    private SecurePort ownSecurePort;
    private java.util.concurrent.ScheduledExecutorService identityReload;
    private final FrontLimits limits;
    private StreamGuard guard;

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
        this(bus, bindHost, port, frontId, metrics, leaseMillis, FrontSecurity.plaintextOnly());
    }

    /** @param security which ports serve xDS, with what identity, and where {@code credentialName} secrets come from */
    public XdsFront(BusConfig bus, String bindHost, int port, String frontId, MeterRegistry metrics, long leaseMillis,
                    FrontSecurity security) {
        this(bus, bindHost, port, frontId, metrics, leaseMillis, security, FrontLimits.defaults());
    }

    /** @param limits what one client may ask of this front (transport, requests, unsent responses) */
    public XdsFront(BusConfig bus, String bindHost, int port, String frontId, MeterRegistry metrics, long leaseMillis,
                    FrontSecurity security, FrontLimits limits) {
        this.limits = limits;
        this.security = security;
        this.leaseMillis = leaseMillis;
        this.bus = bus;
        this.metrics = metrics;
        this.bindHost = bindHost;
        this.requestedPort = port;
        this.frontId = frontId;
    }

    public XdsFront start() throws IOException {
        reporter = new ProxyReporter(bus, frontId, leaseMillis, () -> tracker == null ? 0 : tracker.connectedProxies());
        tracker = new ProxyTracker(frontId, reporter, connected -> new FrontMetrics(metrics, connected),
                new NodeAuthorization(security.trustDomains()));
        // secrets are asked for on the request's thread (the caller's context) and served per stream, never shared
        AdsEngine[] engine = new AdsEngine[1];
        secrets = new NamespaceSecrets(security.secretDir(), (namespace, view) -> engine[0].secretsChanged(namespace, view));
        engine[0] = new AdsEngine(tracker, secrets);
        secrets.start(security.reloadEvery());
        // the scopes' new views of one batch of records are fanned out on the front's own thread, one pass over all their
        // streams; a stream that asks before its scope's first view is simply answered when that view arrives
        ScopeSnapshots snapshots = new ScopeSnapshots(views -> engine[0].publish(views), fanOut, tracker::manifestApplied);
        java.util.concurrent.CountDownLatch caughtUp = new java.util.concurrent.CountDownLatch(1);
        loop = follow(snapshots, caughtUp);
        // serve nothing before the bus has been read to its end: a front catching up would serve stale scopes
        try {
            if (!caughtUp.await(120, TimeUnit.SECONDS)) {
                throw new IOException("xDS front " + frontId + " could not read the xDS topics to their end within 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while catching up", e);
        }
        List<ServerServiceDefinition> services = new ArrayList<>(AdsServices.of(engine[0]));
        services.add(new LoadReports(metrics).bindService());
        guard = new StreamGuard(limits, metrics);
        if (security.plaintext()) {
            NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(bindHost, requestedPort));
            services.forEach(s -> builder.addService(ServerInterceptors.intercept(s, guard)));
            server = withLimits(builder).build().start();
            LOG.info("xDS front {} listening on {}:{} (plaintext: the demo's port; no secret is served on it)", frontId, bindHost,
                    server.getPort());
        }
        if (security.secure()) {
            serveSecurely(services);
        }
        return this;
    }

    /**
     * The transport limits of {@link FrontLimits}. Keepalive pings from the front find peers that vanished without a
     * FIN; clients may ping every {@code permitKeepAliveTime} even with no stream open (gRPC's xDS clients do).
     */
    private NettyServerBuilder withLimits(NettyServerBuilder builder) {
        return limits.transport().applyTo(builder);
    }

    /** The discovery services on the secure port: the process's CA port, or the front's own. */
    private void serveSecurely(List<ServerServiceDefinition> services) throws IOException {
        PeerIdentityInterceptor callerIdentity = new PeerIdentityInterceptor();
        List<ServerServiceDefinition> secured = services.stream()
                .map(s -> ServerInterceptors.intercept(ServerInterceptors.intercept(s, callerIdentity), guard)).toList();
        if (security.sharedSecurePort() != null) {
            security.sharedSecurePort().register(secured);
            LOG.info("xDS front {} serving on the CA's secure port (mesh certificate required, trust domain {})", frontId,
                    security.trustDomains());
            return;
        }
        IdentityFiles identity;
        try {
            identity = new IdentityFiles(security.identityDir());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (!security.trustDomains().contains(identity.identity().trustDomain())) {
            LOG.warn("the front's own identity {} is outside the mesh's trust domain {}: check --trust-domain", identity.identity(),
                    security.trustDomains());
        }
        ownSecurePort = new SecurePort(bindHost, security.securePort(), identity, identity.trust(), secured, null, limits.transport());
        identityReload = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strait-xds-identity");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(200, security.reloadEvery().toMillis());
        identityReload.scheduleWithFixedDelay(identity::reloadIfChanged, ms, ms, TimeUnit.MILLISECONDS);
        LOG.info("xDS front {} serving securely on {}:{} as {} (identity from {}, mesh certificate required)", frontId, bindHost,
                ownSecurePort.port(), identity.identity(), security.identityDir());
    }

    /** The plaintext port, or -1 when it is off ({@code --plaintext-xds=false}). */
    public int port() {
        return server == null ? -1 : server.getPort();
    }

    /** The front's own secure port ({@code --identity-dir}), or -1 (none, or it shares the CA's). */
    public int securePort() {
        return ownSecurePort == null ? -1 : ownSecurePort.port();
    }

    public String frontId() {
        return frontId;
    }

    public int connectedProxies() {
        return tracker.connectedProxies();
    }

    /** Discovery streams open on this front, on every port (a proxy may hold several). */
    public int openStreams() {
        return guard == null ? 0 : guard.openStreams();
    }

    /** The limits this front runs with. */
    public FrontLimits limits() {
        return limits;
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
        long started = System.nanoTime();
        long[] read = new long[2]; // records and bytes read while catching up: what the bus's history costs a start
        return new PollLoop("xds-" + frontId, consumer, Duration.ofMillis(200), records -> {
            FrontRecords.apply("xds-" + frontId, records, snapshots);
            if (caughtUp.getCount() > 0) {
                read[0] += records.count();
                records.forEach(r -> read[1] += Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize()));
                if (end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    snapshots.goLive();
                    caughtUp.countDown();
                    LoggerFactory.getLogger("strait.events").info("xDS front {} read the xDS topics to their end in {} ms: {} records, {} bytes",
                            frontId, (System.nanoTime() - started) / 1_000_000, read[0], read[1]);
                }
            }
        }).start();
    }

    @Override
    public void close() {
        if (security.sharedSecurePort() != null) {
            security.sharedSecurePort().withdraw();
        }
        if (identityReload != null) {
            identityReload.shutdownNow();
        }
        if (ownSecurePort != null) {
            ownSecurePort.close();
        }
        if (secrets != null) {
            secrets.close();
        }
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
        if (guard != null) {
            guard.close();
        }
        fanOut.shutdownNow();
    }
}
