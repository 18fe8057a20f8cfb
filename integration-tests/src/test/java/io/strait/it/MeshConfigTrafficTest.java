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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mesh.yaml at the config folder's root is config like any other, proven by traffic through gRPC's own xDS
 * client: its {@code defaultHttpRetryPolicy} decides whether a backend that fails the first attempt of every call
 * answers, and an edit of it reaches the client as a new revision (FolderIngestTest shows an invalid one rejected).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MeshConfigTrafficTest {
    private static final String LEDGER = "ledger.shop.svc.cluster.local";

    /** Attempts of each request body at the backend, which fails the first one of every body. */
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private Server backend;
    private StraitNode node;
    private ProxylessClient ledger;
    private Path mesh;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        backend = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerServiceDefinition.builder(EchoService.SERVICE)
                        .addMethod(EchoService.CALL, ServerCalls.asyncUnaryCall((body, obs) -> {
                            if (attempts.computeIfAbsent(body, k -> new AtomicInteger()).incrementAndGet() == 1) {
                                obs.onError(Status.UNAVAILABLE.withDescription("first attempt").asRuntimeException());
                            } else {
                                obs.onNext("ledger");
                                obs.onCompleted();
                            }
                        })).build())
                .build().start();
        Path config = Files.createDirectories(tmp.resolve("config"));
        Files.writeString(config.resolve("ledger.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: ledger, namespace: shop}
                spec:
                  hosts: [%s]
                  ports: [{number: 7070, name: grpc, protocol: GRPC}]
                  resolution: STATIC
                  endpoints: [{address: 127.0.0.1, ports: {grpc: %d}}]
                """.formatted(LEDGER, backend.getPort()));
        // the mesh turns default retries off: every call fails at its first attempt
        mesh = Files.writeString(config.resolve("mesh.yaml"), "defaultHttpRetryPolicy: {attempts: 0}\n");
        node = InProcess.start(tmp.resolve("data"), config, "front-m", false);
        ledger = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(), "checkout-1", "shop",
                Map.of("app", "checkout")), LEDGER + ":7070");
        int[] warm = {0};
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try {
                ledger.call(Map.of(), "warm-" + warm[0]++, 2_000);
                return false;
            } catch (StatusRuntimeException e) {
                return "first attempt".equals(e.getStatus().getDescription());
            }
        });
    }

    @AfterAll
    void stop() {
        InProcess.close(ledger, node);
        if (backend != null) {
            backend.shutdownNow();
        }
    }

    @Test
    void theMeshYamlsRetryPolicyDecidesAndAnEditOfItReachesTheClient() throws Exception {
        for (int i = 0; i < 20; i++) {
            String body = "off-" + i;
            assertThatThrownBy(() -> ledger.call(Map.of(), body, 5_000)).isInstanceOf(StatusRuntimeException.class);
            assertThat(attempts.get(body).get()).as("attempts of %s", body).isEqualTo(1);
        }
        Files.writeString(mesh, "defaultHttpRetryPolicy: {attempts: 3, retryOn: unavailable}\n");
        int[] n = {0};
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> "ledger".equals(ledger.call(Map.of(), "turning-on-" + n[0]++, 2_000)));
        for (int i = 0; i < 50; i++) {
            String body = "on-" + i;
            assertThat(ledger.call(Map.of(), body, 5_000)).isEqualTo("ledger");
            assertThat(attempts.get(body).get()).as("attempts of %s", body).isEqualTo(2);
        }
        System.out.println("mesh.yaml defaultHttpRetryPolicy {attempts: 0}: 20 of 20 calls failed after 1 attempt; "
                + "edited to {attempts: 3, retryOn: unavailable}: 50 of 50 answered, 2 attempts each");
    }
}
