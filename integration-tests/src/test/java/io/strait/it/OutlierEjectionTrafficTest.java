package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.cli.demo.EchoService;
import io.strait.cli.demo.ProxylessClient;
import io.strait.cli.runtime.StraitNode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outlier detection by traffic: of two endpoints, one fails every call. With {@code outlierDetection} the
 * proxyless client ejects it (gRPC's failure-percentage ejection, which Strait derives from
 * {@code consecutive5xxErrors}) and then every call succeeds on the healthy one; the failing backend stops
 * receiving calls.
 */
class OutlierEjectionTrafficTest {

    @Test
    void anEndpointThatFailsEveryCallIsEjected(@TempDir Path tmp) throws Exception {
        AtomicInteger badCalls = new AtomicInteger();
        int goodPort = EmbeddedKafka.freePort();
        int badPort = EmbeddedKafka.freePort();
        Server good = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", goodPort))
                .addService(EchoService.answering("good")).build().start();
        Server bad = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", badPort))
                .addService(ServerServiceDefinition.builder(EchoService.SERVICE).addMethod(EchoService.CALL,
                        ServerCalls.<String, String>asyncUnaryCall((req, obs) -> {
                            badCalls.incrementAndGet();
                            obs.onError(Status.UNAVAILABLE.withDescription("broken").asRuntimeException());
                        })).build()).build().start();
        Path config = tmp.resolve("config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("inventory.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: inventory, namespace: shop}
                spec:
                  hosts: [inventory.shop.svc.cluster.local]
                  ports: [{number: 8080, name: grpc, protocol: GRPC}]
                  resolution: STATIC
                  endpoints:
                  - {address: 127.0.0.1, ports: {grpc: %d}}
                  - {address: 127.0.0.1, ports: {grpc: %d}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: inventory, namespace: shop}
                spec:
                  host: inventory
                  trafficPolicy:
                    outlierDetection: {consecutive5xxErrors: 5, interval: 1s, baseEjectionTime: 60s, maxEjectionPercent: 50}
                ---
                # retries off: the default retry would answer the broken endpoint's calls from the good one and hide
                # the failures this test watches ejection stop
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: inventory, namespace: shop}
                spec:
                  hosts: [inventory]
                  http: [{retries: {attempts: 0}, route: [{destination: {host: inventory}}]}]
                """.formatted(goodPort, badPort));
        try (StraitNode node = InProcess.start(tmp.resolve("data"), config, "front-od", false);
             ProxylessClient client = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(),
                     "cart-1", "shop", Map.of("app", "cart")), "inventory.shop.svc.cluster.local:8080")) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "good".equals(client.call(Map.of(), 2_000)));
            long start = System.nanoTime();
            int[] failedBefore = {0};
            // keep calling until 50 calls in a row succeed: the broken endpoint is out of the picker
            int[] streak = {0};
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try {
                    client.call(Map.of(), 2_000);
                    streak[0]++;
                } catch (RuntimeException e) {
                    failedBefore[0]++;
                    streak[0] = 0;
                }
                return streak[0] >= 50;
            });
            long ejectedAfterMs = (System.nanoTime() - start) / 1_000_000;
            int badBefore = badCalls.get();
            int ok = 0;
            for (int i = 0; i < 200; i++) {
                ok += "good".equals(client.call(Map.of(), 2_000)) ? 1 : 0;
            }
            System.out.printf("outlier detection: broken endpoint ejected after %d ms (%d calls failed first); then %d/200 "
                    + "calls succeeded and the broken endpoint got %d more calls%n", ejectedAfterMs, failedBefore[0], ok,
                    badCalls.get() - badBefore);
            assertThat(ok).isEqualTo(200);
            assertThat(badCalls.get() - badBefore).isZero();
        } finally {
            good.shutdownNow();
            bad.shutdownNow();
        }
    }
}
