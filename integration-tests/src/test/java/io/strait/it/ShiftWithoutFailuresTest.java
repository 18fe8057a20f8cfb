package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.cli.demo.Backends;
import io.strait.cli.demo.ProxylessClient;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config changes under continuous traffic fail no call: a canary shifted 90/10 → 50/50 → 0/100, and a revision that
 * adds a subset and routes to it at once (make-before-break: the route is served only with its cluster).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShiftWithoutFailuresTest {
    private static final String HOST = "orders.shop.svc.cluster.local";
    private final int[] ports = EmbeddedKafka.freePorts(3);
    private Path config;
    private Backends backends;
    private StraitNode node;
    private ProxylessClient client;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        backends = new Backends();
        for (int i = 0; i < 3; i++) {
            backends.start("127.0.0.1", ports[i], "v" + (i + 1));
        }
        config = tmp.resolve("config");
        Files.createDirectories(config);
        write(mesh(List.of("v1", "v2"), Map.of("v1", 100)));
        node = InProcess.start(tmp.resolve("data"), config, "front-s", false);
        client = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(), "web-1", "shop",
                Map.of("app", "web")), HOST + ":8080");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "v1".equals(client.call(Map.of(), 1000)));
    }

    @AfterAll
    void stop() {
        InProcess.close(client, node, backends);
    }

    /** The whole mesh in one file, so one write is one revision. */
    private String mesh(List<String> subsets, Map<String, Integer> weights) {
        StringBuilder sb = new StringBuilder("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: orders, namespace: shop}
                spec:
                  hosts: [%s]
                  ports: [{number: 8080, name: grpc, protocol: GRPC}]
                  resolution: STATIC
                  endpoints:
                """.formatted(HOST));
        for (int i = 0; i < 3; i++) {
            sb.append("  - {address: 127.0.0.1, ports: {grpc: %d}, labels: {version: v%d}}\n".formatted(ports[i], i + 1));
        }
        sb.append("""
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: orders, namespace: shop}
                spec:
                  host: orders
                  subsets:
                """);
        subsets.forEach(s -> sb.append("  - {name: %s, labels: {version: %s}}\n".formatted(s, s)));
        sb.append("""
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: orders, namespace: shop}
                spec:
                  hosts: [orders]
                  http:
                  - route:
                """);
        weights.forEach((s, w) -> sb.append("    - {destination: {host: orders, subset: %s}, weight: %d}\n".formatted(s, w)));
        return sb.toString();
    }

    private void write(String text) throws Exception {
        Path tmp = config.resolve(".mesh.yaml.tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, config.resolve("mesh.yaml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Calls the service without pause on its own thread, counting answers and failures, until stopped. */
    private final class Load implements AutoCloseable {
        final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
        final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();
        private volatile boolean running = true;
        private final Thread thread = new Thread(() -> {
            while (running) {
                try {
                    answers.computeIfAbsent(client.call(Map.of(), 2_000), k -> new AtomicInteger()).incrementAndGet();
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    firstFailure.compareAndSet(null, e);
                }
                calls.incrementAndGet();
            }
        }, "load");

        Load start() {
            thread.start();
            return this;
        }

        @Override
        public void close() throws Exception {
            running = false;
            thread.join(10_000);
        }
    }

    @Test
    @Order(1)
    void aCanaryShiftFailsNoCall() throws Exception {
        write(mesh(List.of("v1", "v2"), Map.of("v1", 100)));
        try (Load load = new Load().start()) {
            for (Map<String, Integer> step : List.of(Map.of("v1", 90, "v2", 10), Map.of("v1", 50, "v2", 50), Map.of("v1", 0, "v2", 100))) {
                int before = load.calls.get();
                write(mesh(List.of("v1", "v2"), step));
                await().atMost(Duration.ofSeconds(30)).until(() -> load.calls.get() > before + 500);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> Traffic.count(client, Map.of(), 50).keySet().equals(Set.of("v2")));
            load.close();
            System.out.printf("canary 90/10 -> 50/50 -> 0/100 under load: %d calls, %d failed, answers %s%n",
                    load.calls.get(), load.failures.get(), load.answers);
            assertThat(load.failures.get()).as("failed calls (first: %s)", load.firstFailure.get()).isZero();
            assertThat(load.answers).containsKeys("v1", "v2");
        }
    }

    @Test
    @Order(2)
    void aSubsetAddedAndRoutedInOneRevisionFailsNoCall() throws Exception {
        try (Load load = new Load().start()) {
            int before = load.calls.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.calls.get() > before + 200);
            write(mesh(List.of("v1", "v2", "v3"), Map.of("v3", 100)));
            await().atMost(Duration.ofSeconds(30)).until(() -> load.answers.containsKey("v3"));
            int switched = load.calls.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> load.calls.get() > switched + 200);
            load.close();
            System.out.printf("subset v3 added and routed in one revision under load: %d calls, %d failed, answers %s%n",
                    load.calls.get(), load.failures.get(), load.answers);
            assertThat(load.failures.get()).as("failed calls (first: %s)", load.firstFailure.get()).isZero();
        }
        assertThat(Traffic.count(client, Map.of(), 50)).containsOnlyKeys("v3");
    }
}
