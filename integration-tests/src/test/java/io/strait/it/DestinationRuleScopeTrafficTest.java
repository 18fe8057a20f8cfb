package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.cli.demo.Backends;
import io.strait.cli.demo.ProxylessClient;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * DestinationRule resolution by traffic, as Istio's: a VirtualService sends every call of {@code pay} to subset
 * {@code v1}; the service's namespace defines {@code v1} as the {@code version: v1} workloads, while namespace
 * {@code callers} has a rule of its own for the same host ({@code exportTo: ["."]}) whose {@code v1} is the
 * {@code version: v2} workloads. Clients of {@code callers} reach the v2 backend, every other namespace's the v1
 * backend — the same cluster name, two assignments, each RPC counted where it landed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DestinationRuleScopeTrafficTest {
    private static final String PAY = "pay.apps.svc.cluster.local:8080";
    private final List<ProxylessClient> clients = new ArrayList<>();
    private Backends backends;
    private StraitNode node;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        int[] ports = EmbeddedKafka.freePorts(2);
        backends = new Backends();
        backends.start("127.0.0.1", ports[0], "pay-v1");
        backends.start("127.0.0.1", ports[1], "pay-v2");
        Path config = tmp.resolve("config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("mesh.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: pay, namespace: apps}
                spec:
                  hosts: [pay.apps.svc.cluster.local]
                  ports: [{number: 8080, name: grpc, protocol: GRPC}]
                  resolution: STATIC
                  endpoints:
                  - {address: 127.0.0.1, ports: {grpc: %d}, labels: {version: v1}}
                  - {address: 127.0.0.1, ports: {grpc: %d}, labels: {version: v2}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: pay, namespace: apps}
                spec:
                  host: pay.apps.svc.cluster.local
                  subsets: [{name: v1, labels: {version: v1}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: pay-here, namespace: callers}
                spec:
                  host: pay.apps.svc.cluster.local
                  exportTo: ["."]
                  subsets: [{name: v1, labels: {version: v2}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: pay, namespace: apps}
                spec:
                  hosts: [pay.apps.svc.cluster.local]
                  http:
                  - route: [{destination: {host: pay.apps.svc.cluster.local, subset: v1}}]
                """.formatted(ports[0], ports[1]));
        node = InProcess.start(tmp.resolve("data"), config, "front-dr", false);
    }

    @AfterAll
    void stop() {
        InProcess.close(clients.toArray(new AutoCloseable[0]));
        InProcess.close(node, backends);
    }

    private ProxylessClient client(String namespace) {
        ProxylessClient c = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(), "app-" + clients.size(),
                namespace, Map.of("app", "app-" + clients.size())), PAY);
        clients.add(c);
        return c;
    }

    /** Waits for the first answer, then makes 20 more calls: every one must land on {@code backend}. */
    private static void onlyReaches(ProxylessClient c, String backend) throws Exception {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> c.call(Map.of(), 2_000) != null);
        List<String> landed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            landed.add(c.call(Map.of(), 2_000));
        }
        assertThat(landed).containsOnly(backend);
    }

    @Test
    void aNamespacesOwnRuleDecidesItsSubsetAndNoOtherNamespaces() throws Exception {
        onlyReaches(client("callers"), "pay-v2");
        onlyReaches(client("web"), "pay-v1");
        onlyReaches(client("apps"), "pay-v1");
    }
}
