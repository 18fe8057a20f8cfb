package io.strait.it;

import static io.strait.it.HostileClients.LDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strait.xds.FrontLimits;
import io.strait.xds.XdsFront;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: what all streams together hold unread is bounded at a front (a fleet reconnecting at once after a
 * restart, each proxy owed megabytes, once filled a front's direct memory). Over the bound a new stream is refused
 * UNAVAILABLE, which Envoy and gRPC retry; open streams are served as before, and once clients read, new ones are
 * served again. A real front on an in-process node's bus, real connections.
 */
class FrontUnsentBudgetTest {
    /** A 32 KiB budget for the whole front; per stream, neither the pending bound nor the stuck timer comes into play. */
    private static final long BUDGET = 32 * 1024;
    private static final FrontLimits LIMITS = FrontLimits.defaults().withPending(64L << 20, Duration.ofSeconds(120))
            .withRequestRate(5_000, 10_000).withUnsent(BUDGET);
    @TempDir
    static Path tmp;
    private static LimitedFront fixture;
    private static MeshFixture mesh;
    private static XdsFront front;
    private static SimpleMeterRegistry metrics;

    @BeforeAll
    static void start() throws Exception {
        fixture = new LimitedFront(tmp, "front-budget", LIMITS);
        mesh = fixture.mesh;
        front = fixture.front;
        metrics = fixture.metrics;
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    private static double unsent() {
        return metrics.get("strait_xds_unsent_bytes").gauge().value();
    }

    @Test
    void overTheFrontsBudgetANewStreamIsRefusedUnavailableAndServedOnceClientsRead() throws Exception {
        try (HostileClients.NeverReads stuck = new HostileClients.NeverReads(front.port(), HostileClients.STUCK)) {
            DiscoveryResponse first = stuck.first.get(30, TimeUnit.SECONDS);
            int[] next = {Integer.parseInt(first.getNonce())};
            // it asks for listener after listener and reads none: what the front holds for it grows past the budget
            await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50)).until(() -> {
                stuck.demand(next[0], next[0] + 19);
                next[0] += 20;
                return unsent() > BUDGET;
            });
            try (RawAdsStream late = new RawAdsStream(front.port())) {
                late.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(LDS).build());
                Status refused = Status.fromThrowable(late.ending(30));
                System.out.printf("front holding %.0f unread bytes (budget %d): a new stream is refused: %s%n", unsent(), BUDGET, refused);
                assertThat(refused.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(refused.getDescription()).contains("have not read yet", "limit " + BUDGET, "reconnect in a moment");
            }
            assertThat(stuck.ended).as("the open stream is not refused for it").isNotDone();
        }
        // the client that read nothing is gone: what it held is no longer counted, and a new stream is served
        await().atMost(10, TimeUnit.SECONDS).until(() -> unsent() <= BUDGET);
        try (RawAdsStream ads = new RawAdsStream(front.port())) {
            ads.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(LDS).build());
            assertThat(ads.next(30)).as("a new client's LDS once the front's budget has room").isNotNull();
        }
    }
}
