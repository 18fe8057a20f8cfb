package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services no VirtualService routes, proven by traffic through gRPC's own xDS client: their default route carries
 * the DestinationRule's consistent hash (each user's calls reach one backend, as counted by the backends) and
 * Istio's default retries (a backend that fails the first attempt of every call answers all of them), which routes
 * of a VirtualService without {@code retries} get too, and which {@code retries: {attempts: 0}} turns off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DefaultRouteTrafficTest {
    private static final String PROFILE = "profile.shop.svc.cluster.local";
    private static final String GEO = "geo.shop.svc.cluster.local";
    private static final String LEDGER = "ledger.shop.svc.cluster.local";
    private static final String LEDGER_VS = "ledger-vs.shop.svc.cluster.local";
    private static final String LEDGER_STRICT = "ledger-strict.shop.svc.cluster.local";
    private static final Metadata.Key<String> USER = Metadata.Key.of("x-user", Metadata.ASCII_STRING_MARSHALLER);

    private final List<Server> servers = new ArrayList<>();
    /** Per profile backend, the x-user values of the calls that reached it. */
    private final Map<String, Set<String>> usersSeen = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> profileArrivals = new ConcurrentHashMap<>();
    /** Attempts of each request body at the ledger backend, which fails the first one of every body. */
    private final Map<String, AtomicInteger> ledgerAttempts = new ConcurrentHashMap<>();
    private StraitNode node;
    private ProxylessClient profile;
    private final List<ProxylessClient> geo = new ArrayList<>();
    private ProxylessClient ledger;
    private ProxylessClient ledgerVs;
    private ProxylessClient ledgerStrict;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        int[] pool = {profileBackend("profile-1"), profileBackend("profile-2"), profileBackend("profile-3")};
        int ledgerPort = serve(ServerServiceDefinition.builder(EchoService.SERVICE)
                .addMethod(EchoService.CALL, ServerCalls.asyncUnaryCall((body, obs) -> {
                    if (ledgerAttempts.computeIfAbsent(body, k -> new AtomicInteger()).incrementAndGet() == 1) {
                        obs.onError(Status.UNAVAILABLE.withDescription("first attempt").asRuntimeException());
                    } else {
                        obs.onNext("ledger");
                        obs.onCompleted();
                    }
                })).build());
        Path config = tmp.resolve("config");
        Files.createDirectories(config);
        StringBuilder yaml = new StringBuilder("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: profile, namespace: shop}
                spec:
                  hosts: [%s]
                  ports: [{number: 7070, name: grpc, protocol: GRPC}]
                  resolution: STATIC
                  endpoints:
                  - {address: 127.0.0.1, ports: {grpc: %d}}
                  - {address: 127.0.0.1, ports: {grpc: %d}}
                  - {address: 127.0.0.1, ports: {grpc: %d}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: profile, namespace: shop}
                spec:
                  host: profile
                  trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: geo, namespace: shop}
                spec:
                  hosts: [%s]
                  ports: [{number: 7070, name: grpc, protocol: GRPC}]
                  resolution: STATIC
                  endpoints:
                  - {address: 127.0.0.1, ports: {grpc: %d}}
                  - {address: 127.0.0.1, ports: {grpc: %d}}
                  - {address: 127.0.0.1, ports: {grpc: %d}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: geo, namespace: shop}
                spec:
                  host: geo
                  trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true}}}
                """.formatted(PROFILE, pool[0], pool[1], pool[2], GEO, pool[0], pool[1], pool[2]));
        for (String host : List.of(LEDGER, LEDGER_VS, LEDGER_STRICT)) {
            yaml.append("""
                    ---
                    apiVersion: networking.istio.io/v1
                    kind: ServiceEntry
                    metadata: {name: %s, namespace: shop}
                    spec:
                      hosts: [%s]
                      ports: [{number: 7070, name: grpc, protocol: GRPC}]
                      resolution: STATIC
                      endpoints: [{address: 127.0.0.1, ports: {grpc: %d}}]
                    """.formatted(host.substring(0, host.indexOf('.')), host, ledgerPort));
        }
        // ledger has no VirtualService; ledger-vs one whose route sets no retries; ledger-strict one that turns them off
        yaml.append("""
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: ledger-vs, namespace: shop}
                spec:
                  hosts: [%s]
                  http: [{route: [{destination: {host: %s}}]}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: ledger-strict, namespace: shop}
                spec:
                  hosts: [%s]
                  http: [{retries: {attempts: 0}, route: [{destination: {host: %s}}]}]
                """.formatted(LEDGER_VS, LEDGER_VS, LEDGER_STRICT, LEDGER_STRICT));
        Files.writeString(config.resolve("shop.yaml"), yaml);
        node = InProcess.start(tmp.resolve("data"), config, "front-d", false);
        profile = client(PROFILE);
        ledger = client(LEDGER);
        ledgerVs = client(LEDGER_VS);
        ledgerStrict = client(LEDGER_STRICT);
        for (int i = 0; i < 6; i++) {
            geo.add(client(GEO));
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> profile.call(Map.of("x-user", "warm-up"), 2_000).startsWith("profile-"));
        for (ProxylessClient c : geo) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> c.call(Map.of(), 2_000).startsWith("profile-"));
        }
        int[] warm = {0};
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> "ledger".equals(ledger.call(Map.of(), "warm-" + warm[0]++, 2_000)));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> "ledger".equals(ledgerVs.call(Map.of(), "warm-" + warm[0]++, 2_000)));
        // ledger-strict is ready once a call reaches the backend (and fails there, as it should)
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try {
                ledgerStrict.call(Map.of(), "warm-" + warm[0]++, 2_000);
                return true;
            } catch (StatusRuntimeException e) {
                return "first attempt".equals(e.getStatus().getDescription());
            }
        });
    }

    private ProxylessClient client(String host) {
        return new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(), "checkout-1", "shop",
                Map.of("app", "checkout")), host + ":7070");
    }

    /** A profile backend that records the x-user header of every call reaching it. */
    private int profileBackend(String name) throws Exception {
        ServerInterceptor recordUser = new ServerInterceptor() {
            @Override
            public <Q, A> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, A> call, Metadata headers,
                                                                       io.grpc.ServerCallHandler<Q, A> next) {
                profileArrivals.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                String user = headers.get(USER);
                usersSeen.computeIfAbsent(name, k -> ConcurrentHashMap.newKeySet()).add(user == null ? "" : user);
                return next.startCall(call, headers);
            }
        };
        return serve(ServerInterceptors.intercept(EchoService.answering(name), recordUser));
    }

    private int serve(ServerServiceDefinition service) throws Exception {
        Server s = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
        servers.add(s);
        return s.getPort();
    }

    @AfterAll
    void stop() {
        InProcess.close(geo.toArray(new AutoCloseable[0]));
        InProcess.close(profile, ledger, ledgerVs, ledgerStrict, node);
        servers.forEach(Server::shutdownNow);
    }

    @Test
    void aConsistentHashWithoutAVirtualServiceKeepsEachUserOnOneBackend() {
        Map<String, Integer> before = arrivals();
        int users = 30;
        int callsEach = 10;
        for (int user = 0; user < users; user++) {
            for (int i = 0; i < callsEach; i++) {
                assertThat(profile.call(Map.of("x-user", "user-" + user), 5_000)).startsWith("profile-");
            }
        }
        Map<String, Integer> reached = minus(arrivals(), before);
        Map<String, Integer> usersPerBackend = new java.util.TreeMap<>();
        for (int user = 0; user < users; user++) {
            String u = "user-" + user;
            List<String> backends = usersSeen.entrySet().stream().filter(e -> e.getValue().contains(u)).map(Map.Entry::getKey).toList();
            assertThat(backends).as("backends %s reached", u).hasSize(1);
            usersPerBackend.merge(backends.get(0), 1, Integer::sum);
        }
        System.out.println("default route, ring hash on x-user: " + users + " users x " + callsEach + " calls reached "
                + reached + "; users per backend " + usersPerBackend + ", each user on one backend");
        assertThat(reached.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(users * callsEach);
        assertThat(usersPerBackend).as("users spread over the pool").hasSizeGreaterThan(1);
        // the header is the key: calls without it get a random hash each, and spread over all three
        Map<String, Integer> beforeSpread = arrivals();
        for (int i = 0; i < 60; i++) {
            profile.call(Map.of(), 5_000);
        }
        Map<String, Integer> spread = minus(arrivals(), beforeSpread);
        System.out.println("default route, 60 calls without x-user reached " + spread);
        assertThat(spread).hasSize(3);
    }

    @Test
    void useSourceIpKeepsEachGrpcClientChannelOnOneBackend() {
        Map<String, Integer> before = arrivals();
        List<String> backendOfClient = new ArrayList<>();
        for (ProxylessClient c : geo) {
            Map<String, Integer> mine = Traffic.count(c, Map.of(), 30);
            assertThat(mine).as("backends one client channel reached").hasSize(1);
            backendOfClient.add(mine.keySet().iterator().next());
        }
        Map<String, Integer> reached = minus(arrivals(), before);
        System.out.println("default route, useSourceIp (gRPC: its channel): " + geo.size() + " clients x 30 calls reached "
                + reached + "; backend of each client " + backendOfClient);
        assertThat(reached.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(geo.size() * 30);
    }

    @Test
    void theDefaultRetryRescuesABackendThatFailsEveryFirstAttemptWithoutAVirtualService() {
        int calls = 100;
        for (int i = 0; i < calls; i++) {
            assertThat(ledger.call(Map.of(), "default-" + i, 5_000)).isEqualTo("ledger");
        }
        for (int i = 0; i < calls; i++) {
            assertThat(ledgerAttempts.get("default-" + i).get()).as("attempts of call %d at the backend", i).isEqualTo(2);
        }
        System.out.println("no VirtualService: " + calls + " calls, 0 failed; the backend failed the first of 2 attempts of each");
    }

    @Test
    void aVirtualServiceRouteWithoutRetriesGetsTheDefaultAndAttemptsZeroTurnsItOff() {
        int calls = 50;
        for (int i = 0; i < calls; i++) {
            assertThat(ledgerVs.call(Map.of(), "vs-" + i, 5_000)).isEqualTo("ledger");
            assertThat(ledgerAttempts.get("vs-" + i).get()).isEqualTo(2);
        }
        int failed = 0;
        for (int i = 0; i < calls; i++) {
            String body = "strict-" + i;
            assertThatThrownBy(() -> ledgerStrict.call(Map.of(), body, 5_000))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
            failed++;
            assertThat(ledgerAttempts.get(body).get()).as("attempts of %s at the backend", body).isEqualTo(1);
        }
        System.out.println("VirtualService without retries: " + calls + " calls, 0 failed (2 attempts each); "
                + "retries {attempts: 0}: " + failed + " of " + calls + " failed after 1 attempt each");
    }

    private Map<String, Integer> arrivals() {
        Map<String, Integer> out = new java.util.TreeMap<>();
        profileArrivals.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    private static Map<String, Integer> minus(Map<String, Integer> after, Map<String, Integer> before) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        after.forEach((k, v) -> {
            int d = v - before.getOrDefault(k, 0);
            if (d > 0) {
                out.put(k, d);
            }
        });
        return out;
    }
}
