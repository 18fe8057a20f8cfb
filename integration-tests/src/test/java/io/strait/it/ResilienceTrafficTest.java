package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.cli.demo.EchoService;
import io.strait.cli.demo.ProxylessClient;
import io.strait.cli.runtime.StraitNode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timeouts, retries and fault injection proven by traffic: gRPC's own xDS client takes them from Strait and applies
 * them to real calls — a slow backend cut at the route's timeout, a flaky backend rescued by retries (attempts
 * counted at the backend), aborts and delays at their percentage over 1,000 calls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResilienceTrafficTest {
    private static final String HOST = "payments.shop.svc.cluster.local";
    private final List<Server> servers = new ArrayList<>();
    private final ScheduledExecutorService slow = Executors.newScheduledThreadPool(2);
    private final Map<String, AtomicInteger> flakyAttempts = new ConcurrentHashMap<>();
    private final AtomicInteger limitedInFlight = new AtomicInteger();
    /** Calls the "busy" backend is holding unanswered, released by the test. */
    private final java.util.Queue<io.grpc.stub.StreamObserver<String>> held = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicInteger heldArrivals = new AtomicInteger();
    private StraitNode node;
    private ProxylessClient client;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        int slowPort = serve(ServerServiceDefinition.builder(EchoService.SERVICE)
                .addMethod(EchoService.CALL, ServerCalls.asyncUnaryCall((req, obs) ->
                        slow.schedule(() -> {
                            obs.onNext("slow");
                            obs.onCompleted();
                        }, 3, TimeUnit.SECONDS))).build());
        int flakyPort = serve(ServerServiceDefinition.builder(EchoService.SERVICE)
                .addMethod(EchoService.CALL, ServerCalls.asyncUnaryCall((req, obs) -> {
                    // fails the first two attempts of each request body, then answers
                    if (flakyAttempts.computeIfAbsent(req, k -> new AtomicInteger()).incrementAndGet() <= 2) {
                        obs.onError(Status.UNAVAILABLE.withDescription("flaky").asRuntimeException());
                    } else {
                        obs.onNext("flaky");
                        obs.onCompleted();
                    }
                })).build());
        int plainPort = serve(EchoService.answering("plain"));
        int[] pool = {serve(EchoService.answering("pool-1")), serve(EchoService.answering("pool-2")), serve(EchoService.answering("pool-3"))};
        int limitedPort = serve(ServerServiceDefinition.builder(EchoService.SERVICE)
                .addMethod(EchoService.CALL, ServerCalls.asyncUnaryCall((req, obs) -> {
                    limitedInFlight.incrementAndGet();
                    slow.schedule(() -> {
                        obs.onNext("limited");
                        obs.onCompleted();
                    }, 1500, TimeUnit.MILLISECONDS);
                })).build());
        int busyPort = serve(ServerServiceDefinition.builder(EchoService.SERVICE)
                .addMethod(EchoService.CALL, ServerCalls.asyncUnaryCall((req, obs) -> {
                    held.add(obs);
                    heldArrivals.incrementAndGet();
                })).build());
        int idlePort = serve(EchoService.answering("idle"));
        Path config = tmp.resolve("config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("payments.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: payments, namespace: shop}
                spec:
                  hosts: [%s]
                  ports: [{number: 7070, name: grpc, protocol: GRPC}]
                  resolution: STATIC
                  endpoints:
                  - {address: 127.0.0.1, ports: {grpc: %d}, labels: {kind: slow}}
                  - {address: 127.0.0.1, ports: {grpc: %d}, labels: {kind: flaky}}
                  - {address: 127.0.0.1, ports: {grpc: %d}, labels: {kind: plain}}
                  - {address: 127.0.0.1, ports: {grpc: %d}, labels: {kind: pool}}
                  - {address: 127.0.0.1, ports: {grpc: %d}, labels: {kind: pool}}
                  - {address: 127.0.0.1, ports: {grpc: %d}, labels: {kind: pool}}
                  - {address: 127.0.0.1, ports: {grpc: %d}, labels: {kind: limited}}
                  - {address: 127.0.0.1, ports: {grpc: %d}, labels: {kind: pair}}
                  - {address: 127.0.0.1, ports: {grpc: %d}, labels: {kind: pair}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: payments, namespace: shop}
                spec:
                  host: payments
                  subsets:
                  - {name: slow, labels: {kind: slow}}
                  - {name: flaky, labels: {kind: flaky}}
                  - {name: plain, labels: {kind: plain}}
                  - name: sticky
                    labels: {kind: pool}
                    trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}
                  - name: spread
                    labels: {kind: pool}
                  - name: limited
                    labels: {kind: limited}
                    trafficPolicy: {connectionPool: {http: {http2MaxRequests: 1}}}
                  - name: least
                    labels: {kind: pair}
                    trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}
                  - name: rr
                    labels: {kind: pair}
                    trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: payments, namespace: shop}
                spec:
                  hosts: [payments]
                  http:
                  - match: [{headers: {x-case: {exact: timeout}}}]
                    timeout: 300ms
                    route: [{destination: {host: payments, subset: slow}}]
                  - match: [{headers: {x-case: {exact: retry}}}]
                    retries: {attempts: 3, retryOn: unavailable}
                    route: [{destination: {host: payments, subset: flaky}}]
                  - match: [{headers: {x-case: {exact: no-retry}}}]
                    retries: {attempts: 0}
                    route: [{destination: {host: payments, subset: flaky}}]
                  - match: [{headers: {x-case: {exact: abort}}}]
                    fault: {abort: {grpcStatus: UNAVAILABLE, percentage: {value: 50}}}
                    route: [{destination: {host: payments, subset: plain}}]
                  - match: [{headers: {x-case: {exact: delay}}}]
                    fault: {delay: {fixedDelay: 40ms, percentage: {value: 30}}}
                    route: [{destination: {host: payments, subset: plain}}]
                  - match: [{headers: {x-case: {exact: sticky}}}]
                    route: [{destination: {host: payments, subset: sticky}}]
                  - match: [{headers: {x-case: {exact: spread}}}]
                    route: [{destination: {host: payments, subset: spread}}]
                  - match: [{headers: {x-case: {exact: limited}}}]
                    route: [{destination: {host: payments, subset: limited}}]
                  - match: [{headers: {x-case: {exact: moved}}}]
                    redirect: {uri: /elsewhere, authority: payments.example.com}
                  - match: [{headers: {x-case: {exact: least}}}]
                    route: [{destination: {host: payments, subset: least}}]
                  - match: [{headers: {x-case: {exact: rr}}}]
                    route: [{destination: {host: payments, subset: rr}}]
                  - route: [{destination: {host: payments, subset: plain}}]
                """.formatted(HOST, slowPort, flakyPort, plainPort, pool[0], pool[1], pool[2], limitedPort, busyPort, idlePort));
        node = InProcess.start(tmp.resolve("data"), config, "front-r", false);
        client = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(), "checkout-1", "shop",
                Map.of("app", "checkout")), HOST + ":7070");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "plain".equals(client.call(Map.of(), 1000)));
    }

    private int serve(ServerServiceDefinition service) throws Exception {
        Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        servers.add(s);
        return s.getPort();
    }

    @AfterAll
    void stop() {
        InProcess.close(client, node);
        servers.forEach(Server::shutdownNow);
        slow.shutdownNow();
    }

    @Test
    void aSlowBackendFailsAtTheRoutesTimeoutNotTheCallersDeadline() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> client.call(Map.of("x-case", "timeout"), 10_000))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("route timeout 300ms, backend answers after 3s: the call failed after " + millis + " ms");
        assertThat(millis).isGreaterThanOrEqualTo(290).isLessThan(3000);
    }

    @Test
    void retriesRescueAFlakyBackendAndTheBackendCountsEveryAttempt() {
        assertThat(client.call(Map.of("x-case", "retry"), "order-1", 10_000)).isEqualTo("flaky");
        assertThat(flakyAttempts.get("order-1").get()).isEqualTo(3);
        assertThatThrownBy(() -> client.call(Map.of("x-case", "no-retry"), "order-2", 10_000))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        assertThat(flakyAttempts.get("order-2").get()).isEqualTo(1);
    }

    @Test
    void aConsistentHashOnAHeaderKeepsEachUserOnOneBackend() {
        java.util.Set<String> used = new java.util.HashSet<>();
        for (int user = 0; user < 30; user++) {
            Map<String, String> headers = Map.of("x-case", "sticky", "x-user", "user-" + user);
            java.util.Set<String> backends = new java.util.HashSet<>();
            for (int i = 0; i < 10; i++) {
                backends.add(client.call(headers, 5_000));
            }
            assertThat(backends).as("backends of user-%d", user).hasSize(1);
            used.addAll(backends);
        }
        System.out.println("ring hash on x-user: 30 users x 10 calls, each user on one backend; backends used: " + used);
        assertThat(used).as("users spread over the pool").hasSizeGreaterThan(1);
        // without the hash policy the same calls spread
        java.util.Set<String> spread = new java.util.HashSet<>();
        for (int i = 0; i < 30; i++) {
            spread.add(client.call(Map.of("x-case", "spread", "x-user", "user-0"), 5_000));
        }
        assertThat(spread).hasSize(3);
    }

    @Test
    void requestsOverTheLimitFailFast() throws Exception {
        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> client.call(Map.of("x-case", "limited"), 10_000));
        await().atMost(Duration.ofSeconds(10)).until(() -> limitedInFlight.get() == 1);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> client.call(Map.of("x-case", "limited"), 10_000))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("http2MaxRequests 1: the second concurrent call failed after " + millis + " ms (the first takes 1.5 s)");
        assertThat(millis).isLessThan(1000);
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("limited");
        assertThat(limitedInFlight.get()).as("the refused call never reached the backend").isEqualTo(1);
    }

    @Test
    void abortsHitTheirPercentageOfCalls() {
        int aborted = 0;
        for (int i = 0; i < 1500; i++) { // binomial: 1,500 calls put 5.5 points at over 4 sigma
            try {
                client.call(Map.of("x-case", "abort"), 5_000);
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                aborted++;
            }
        }
        System.out.println("abort fault at 50%: " + aborted + " of 1500 calls aborted");
        assertThat(aborted / 15.0).isCloseTo(50.0, org.assertj.core.data.Offset.offset(5.5));
    }

    @Test
    void delaysHitTheirPercentageOfCalls() {
        int delayed = 0;
        for (int i = 0; i < 1500; i++) {
            long t0 = System.nanoTime();
            assertThat(client.call(Map.of("x-case", "delay"), 5_000)).isEqualTo("plain");
            if ((System.nanoTime() - t0) / 1_000_000 >= 40) {
                delayed++;
            }
        }
        System.out.println("delay fault of 40ms at 30%: " + delayed + " of 1500 calls took 40ms or more");
        assertThat(delayed / 15.0).isCloseTo(30.0, org.assertj.core.data.Offset.offset(5.5));
    }

    @Test
    void leastRequestSteersCallsAwayFromABackendHoldingRequests() throws Exception {
        heldCalls("least", 10); // warm up: both subchannels connected
        heldCalls("rr", 10);
        int least = heldCalls("least", 100);
        int roundRobin = heldCalls("rr", 100);
        System.out.println("100 calls, one of two backends holds every call it gets: LEAST_REQUEST sent it " + least
                + ", ROUND_ROBIN " + roundRobin);
        // gRPC's least request compares two random picks: only when both land on the busy backend does it get the call
        assertThat(least).isLessThan(38);
        assertThat(roundRobin).isBetween(40, 60);
    }

    /** Sends calls one at a time, each once the previous has landed; returns how many the busy backend holds. */
    private int heldCalls(String subset, int calls) throws Exception {
        int start = heldArrivals.get();
        List<java.util.concurrent.Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            int before = heldArrivals.get();
            var f = client.callAsync(Map.of("x-case", subset), "call-" + i, 30_000);
            futures.add(f);
            await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> f.isDone() || heldArrivals.get() > before);
        }
        int busy = heldArrivals.get() - start;
        for (io.grpc.stub.StreamObserver<String> obs; (obs = held.poll()) != null; ) {
            obs.onNext("busy");
            obs.onCompleted();
        }
        for (var f : futures) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isIn("busy", "idle");
        }
        return busy;
    }

    @Test
    void aRedirectRouteIsLeftOutForGrpcClientsInsteadOfBreakingTheirRoutes() {
        // gRPC would reject the whole route configuration over a redirect: its calls go on to the next route
        assertThat(client.call(Map.of("x-case", "moved"), 5_000)).isEqualTo("plain");
        assertThat(client.call(Map.of("x-case", "spread"), 5_000)).startsWith("pool-");
    }
}
