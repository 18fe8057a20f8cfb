package io.strait.it;

import static io.strait.it.HostileClients.LDS;
import static io.strait.it.HostileClients.RDS;
import static io.strait.it.HostileClients.assertClean;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strait.xds.FrontLimits;
import io.strait.xds.XdsFront;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 15: hostile and broken xDS clients against a real front (its own, on the bus of an in-process node, so its
 * limits and metrics are the test's), each over real connections. Every refusal is a one-line status; the front
 * keeps serving a well-behaved client after each one.
 */
class HostileClientsTest {
    /**
     * Pending responses are bounded low and a stuck stream is reset after 2 s, so the test sees both quickly; a request
     * rate above what the never-reading client's demands need (a few hundred a second, paced by the pushes) and far
     * below what a tight request loop sends, so each test meets the limit it is about.
     */
    private static final FrontLimits LIMITS = FrontLimits.defaults().withPending(256 * 1024, Duration.ofSeconds(2))
            .withRequestRate(2_000, 4_000);
    @TempDir
    static Path tmp;
    private static LimitedFront fixture;
    private static MeshFixture mesh;
    private static XdsFront front;
    private static SimpleMeterRegistry metrics;

    @BeforeAll
    static void start() throws Exception {
        fixture = new LimitedFront(tmp, "front-hostile", LIMITS);
        mesh = fixture.mesh;
        front = fixture.front;
        metrics = fixture.metrics;
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    /** A client that behaves: its LDS arrives. */
    private static void aWellBehavedClientIsServed() throws Exception {
        try (RawAdsStream ads = new RawAdsStream(front.port())) {
            ads.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(LDS).build());
            assertThat(ads.next(30)).as("a well-behaved client's LDS within 30 s").isNotNull();
        }
    }

    private static Status refusalOf(DiscoveryRequest request) throws Exception {
        try (RawAdsStream ads = new RawAdsStream(front.port())) {
            ads.send(request);
            Throwable end = ads.ending(30);
            assertThat(end).as("the stream ends with an error").isNotNull();
            return Status.fromThrowable(end);
        }
    }

    @Test
    void anOversizedRequestEndsItsStreamAndOthersAreServed() throws Exception {
        String huge = "x".repeat(LIMITS.maxInboundMessageBytes() + 1024);
        Status s = refusalOf(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(LDS)
                .addResourceNames(huge).build());
        // gRPC ends the call RESOURCE_EXHAUSTED and resets the stream; which of the two the client reads first is a race,
        // so CANCELLED (the reset) is the same refusal seen from the other side
        assertThat(s.getCode()).isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED);
        assertClean(s);
        System.out.println("oversized request: " + s);
        aWellBehavedClientIsServed();
    }

    @Test
    void aRequestNamingAHundredThousandResourcesIsRefusedWithTheCap() throws Exception {
        DiscoveryRequest.Builder b = DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(RDS);
        for (int i = 0; i < 100_000; i++) {
            b.addResourceNames("r" + i);
        }
        int proxiesBefore = front.connectedProxies();
        Status s = refusalOf(b.build());
        assertThat(s.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(s.getDescription()).contains("100000 resources").contains("at most 10000");
        assertClean(s);
        assertThat(front.connectedProxies()).as("refused before it was registered or watched").isEqualTo(proxiesBefore);
        System.out.println("100,000 names: " + s);
        aWellBehavedClientIsServed();
    }

    @Test
    void unknownTypesAreRefusedAndEnvoysUnservedTypesLeaveTheStreamAlive() throws Exception {
        Status s = refusalOf(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT)
                .setTypeUrl("type.googleapis.com/acme.Widget").build());
        assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(s.getDescription()).startsWith("unknown type URL \"type.googleapis.com/acme.Widget\"; Strait serves ")
                .contains(LDS);
        assertClean(s);
        Status none = refusalOf(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).build());
        assertThat(none.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertClean(none);

        // Envoy asks for ECDS and RTDS when its config uses them: unanswered, and the stream goes on serving LDS
        try (RawAdsStream ads = new RawAdsStream(front.port())) {
            ads.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT)
                    .setTypeUrl("type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig").addResourceNames("wasm").build());
            ads.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT)
                    .setTypeUrl("type.googleapis.com/envoy.service.runtime.v3.Runtime").addResourceNames("rtds").build());
            ads.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(LDS).build());
            DiscoveryResponse r = ads.next(30);
            assertThat(r).as("LDS on the same stream").isNotNull();
            assertThat(r.getTypeUrl()).isEqualTo(LDS);
            assertThat(ads.ending(0)).isNull();
        } catch (java.util.concurrent.TimeoutException alive) {
            // the stream had not ended: what is expected
        }
    }

    @Test
    void malformedNodesAreRefusedWithOneLineAndNothingLoggedAtError() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        Struct meta = RawAdsStream.GRPC_CLIENT.getMetadata();
        String good = RawAdsStream.GRPC_CLIENT.getId();
        Map<String, Node> shapes = new LinkedHashMap<>();
        shapes.put("empty id", Node.newBuilder().setMetadata(meta).build());
        shapes.put("no ~", Node.newBuilder().setId("just-a-name").setMetadata(meta).build());
        shapes.put("10 KB id", Node.newBuilder().setId("sidecar~1.2.3.4~" + "p".repeat(10_240) + ".ns~ns.svc.cluster.local").build());
        shapes.put("id with a newline", Node.newBuilder().setId("sidecar~1.2.3.4~a.ns\nat x~ns.svc.cluster.local").build());
        shapes.put("NAMESPACE a number", Node.newBuilder().setId(good).setMetadata(Struct.newBuilder()
                .putFields("NAMESPACE", Value.newBuilder().setNumberValue(7).build())).build());
        shapes.put("LABELS a list", Node.newBuilder().setId(good).setMetadata(Struct.newBuilder()
                .putFields("LABELS", Value.newBuilder().setListValue(ListValue.newBuilder()
                        .addValues(Value.newBuilder().setStringValue("app=x"))).build())).build());
        shapes.put("a label a boolean", Node.newBuilder().setId(good).setMetadata(Struct.newBuilder()
                .putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder()
                        .putFields("app", Value.newBuilder().setBoolValue(true).build())).build())).build());
        List<String> seen = new ArrayList<>();
        try {
            for (Map.Entry<String, Node> shape : shapes.entrySet()) {
                Status s = refusalOf(DiscoveryRequest.newBuilder().setNode(shape.getValue()).setTypeUrl(LDS).build());
                assertThat(s.getCode()).as(shape.getKey()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertClean(s);
                seen.add(shape.getKey() + " → " + s.getDescription());
            }
            // not UTF-8: gRPC cannot parse it; the stream ends, without a stack, and the front goes on
            Status s = HostileClients.sendRaw(front.port(), HostileClients.notUtf8Id());
            assertThat(s.getCode()).isNotEqualTo(Status.Code.OK);
            assertClean(s);
            seen.add("non-UTF-8 id → " + s.getCode() + ": " + s.getDescription());
        } finally {
            root.detachAppender(log);
        }
        seen.forEach(System.out::println);
        assertThat(log.list).as("nothing at ERROR for a client's bad node")
                .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR));
        assertThat(log.list).as("a WARN line with the reason")
                .anyMatch(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("LABELS must be a struct"));
        aWellBehavedClientIsServed();
    }

    @Test
    void aThousandStreamsOnOneConnectionGetAHundredAndOthersAreServed() throws Exception {
        // the streams earlier tests closed may still be going away: count from a front whose count has settled
        java.util.concurrent.atomic.AtomicInteger last = new java.util.concurrent.atomic.AtomicInteger(-1);
        await().during(1, TimeUnit.SECONDS).atMost(30, TimeUnit.SECONDS)
                .until(() -> { int n = front.openStreams(); return n == last.getAndSet(n); });
        int before = front.openStreams();
        ManagedChannel one = NettyChannelBuilder.forAddress("127.0.0.1", front.port()).usePlaintext().build();
        try {
            var stub = AggregatedDiscoveryServiceGrpc.newStub(one);
            for (int i = 0; i < 1_000; i++) {
                StreamObserver<DiscoveryRequest> stream = stub.streamAggregatedResources(new StreamObserver<>() {
                    public void onNext(DiscoveryResponse r) {
                    }

                    public void onError(Throwable t) {
                    }

                    public void onCompleted() {
                    }
                });
                stream.onNext(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(LDS).build());
            }
            int cap = LIMITS.maxStreamsPerConnection();
            await().atMost(30, TimeUnit.SECONDS).until(() -> front.openStreams() - before >= cap);
            await().during(2, TimeUnit.SECONDS).atMost(5, TimeUnit.SECONDS)
                    .until(() -> front.openStreams() - before <= cap);
            System.out.println("1,000 streams on one connection: " + (front.openStreams() - before) + " open at the front");
            aWellBehavedClientIsServed();
        } finally {
            one.shutdownNow();
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> front.openStreams() <= before);
    }

    @Test
    void aClientThatStopsReadingIsClosedWithItsPendingBytesBoundedAndOthersGetEveryPush() throws Exception {
        double stuckBefore = metrics.counter("strait_xds_stuck_closed_total").count();
        try (RawAdsStream good = new RawAdsStream(front.port());
             HostileClients.NeverReads stuck = new HostileClients.NeverReads(front.port(), HostileClients.STUCK)) {
            good.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(RDS)
                    .addResourceNames(MeshFixture.AUTHORITY).build());
            DiscoveryResponse routes = good.next(30);
            assertThat(routes).as("the good client's routes").isNotNull();
            ack(good, routes);
            DiscoveryResponse first = stuck.first.get(30, TimeUnit.SECONDS);
            long started = System.nanoTime();
            int streamsBefore = front.openStreams();
            // ask for responses without reading them, a batch at a time, until the front gives up on the stream; a
            // reset does not reach this client while it reads nothing (its messages are delivered first), so the
            // front's counter says when
            int next = Integer.parseInt(first.getNonce());
            int round = 0;
            while (metrics.counter("strait_xds_stuck_closed_total").count() == stuckBefore
                    && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60)) {
                stuck.demand(next, next + 199);
                next += 200;
                // pushes flow meanwhile: the good client gets and ACKs each one
                round++;
                mesh.writeVirtualService(MeshFixture.split(20 + round % 50, 10, 70 - round % 50));
                routes = ackNewRoutes(good, routes);
            }
            double took = (System.nanoTime() - started) / 1e9;
            double pendingMax = metrics.get("strait_xds_pending_bytes_max").gauge().value();
            assertThat(metrics.counter("strait_xds_stuck_closed_total").count()).isEqualTo(stuckBefore + 1);
            await().atMost(10, TimeUnit.SECONDS).until(() -> front.openStreams() <= streamsBefore - 1);
            stuck.call.request(Integer.MAX_VALUE); // now read: what was delivered, then the reset
            Status end = stuck.ended.get(30, TimeUnit.SECONDS);
            System.out.printf("stuck client reset after %.1f s (%d responses asked, %d pushes to the good client meanwhile): %s;"
                    + " most bytes pending on one stream: %.0f (limit %d)%n", took, next, round, end, pendingMax,
                    LIMITS.maxPendingBytesPerStream());
            assertThat(end.getCode()).as("reset (RST_STREAM)").isIn(Status.Code.CANCELLED, Status.Code.DEADLINE_EXCEEDED);
            assertThat(pendingMax).isPositive().isLessThanOrEqualTo(LIMITS.maxPendingBytesPerStream());
            // and the good client still gets every push
            for (int v1 = 11; v1 <= 13; v1++) {
                mesh.writeVirtualService(MeshFixture.split(v1, 100 - v1 - 5, 5));
                routes = ackNewRoutes(good, routes);
            }
        }
    }

    @Test
    void aStreamFloodingRequestsIsEndedOnceOverItsRateAndAnEnvoyLikeProxyIsNot() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        double refusedBefore = refused("RESOURCE_EXHAUSTED");
        try (RawAdsStream envoyLike = new RawAdsStream(front.port())) {
            // an Envoy-like proxy: subscribes, ACKs every response, while pushes flow
            envoyLike.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(RDS)
                    .addResourceNames(MeshFixture.AUTHORITY).build());
            DiscoveryResponse routes = envoyLike.next(30);
            assertThat(routes).as("the Envoy-like proxy's routes").isNotNull();
            ack(envoyLike, routes);

            // a client in a request loop: the ACK of its listeners, again and again, as fast as it can, on one stream (an
            // ACK costs the front no response, so the requests reach it as fast as they are sent, not as fast as it answers)
            Status end;
            int sent = 0;
            try (RawAdsStream flood = new RawAdsStream(front.port())) {
                flood.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(LDS).build());
                DiscoveryResponse listeners = flood.next(30);
                assertThat(listeners).as("the flooding client's listeners").isNotNull();
                DiscoveryRequest again = DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(LDS)
                        .setVersionInfo(listeners.getVersionInfo()).setResponseNonce(listeners.getNonce()).build();
                long started = System.nanoTime();
                Throwable ended = null;
                while (ended == null && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30)) {
                    for (int i = 0; i < 100; i++) {
                        flood.send(again);
                    }
                    sent += 100;
                    ended = flood.endedNow();
                }
                ended = ended != null ? ended : flood.ending(30);
                assertThat(ended).as("the flooding stream ends").isNotNull();
                end = Status.fromThrowable(ended);
            }
            System.out.println("request flood (" + sent + " sent): " + end);
            assertThat(end.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(end.getDescription()).contains("more than " + LIMITS.requestsPerSecond() + " discovery requests a second");
            assertClean(end);
            await().atMost(10, TimeUnit.SECONDS).until(() -> refused("RESOURCE_EXHAUSTED") == refusedBefore + 1);

            // the Envoy-like proxy goes on: pushes reach it and it ACKs them, its stream still open
            for (int v1 = 31; v1 <= 33; v1++) {
                mesh.writeVirtualService(MeshFixture.split(v1, 100 - v1 - 5, 5));
                routes = ackNewRoutes(envoyLike, routes);
            }
            assertThat(envoyLike.endedNow()).as("the Envoy-like stream is untouched").isNull();
        } finally {
            root.detachAppender(log);
        }
        assertThat(log.list.stream().filter(e -> e.getFormattedMessage().contains("discovery requests a second")))
                .as("one WARN line for the stream, not one per request").hasSize(1)
                .allMatch(e -> e.getLevel() == Level.WARN && e.getThrowableProxy() == null);
        assertThat(refused("RESOURCE_EXHAUSTED")).isEqualTo(refusedBefore + 1);
    }

    private static double refused(String reason) {
        var counter = metrics.find("strait_xds_refused_total").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Waits for routes other than {@code current}, ACKs them, and returns them. */
    private static DiscoveryResponse ackNewRoutes(RawAdsStream ads, DiscoveryResponse current) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        DiscoveryResponse r = current;
        while (r.getVersionInfo().equals(current.getVersionInfo())) {
            long left = TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime());
            r = ads.next(Math.max(1, left));
            assertThat(r).as("new routes within 30 s").isNotNull();
            ack(ads, r);
        }
        return r;
    }

    private static void ack(RawAdsStream ads, DiscoveryResponse r) {
        ads.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(RDS)
                .addResourceNames(MeshFixture.AUTHORITY).setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce()).build());
    }
}
