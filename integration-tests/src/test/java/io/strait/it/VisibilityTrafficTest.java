package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.StatusRuntimeException;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.agent.bootstrap.GrpcBootstrap;
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
 * Visibility by traffic: a Sidecar with egress {@code ./*} keeps its namespace's clients to their own namespace's
 * services, and a ServiceEntry exported to its own namespace only ({@code exportTo: ["."]}) is reachable from there
 * alone. Calls that must fail fail; calls that must work work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VisibilityTrafficTest {
    private static final String CART = "cart.shop.svc.cluster.local:8080";
    private static final String SEARCH = "search.catalog.svc.cluster.local:8080";
    private static final String LEDGER = "ledger.billing.svc.cluster.local:8080";
    private final List<ProxylessClient> clients = new ArrayList<>();
    private Backends backends;
    private StraitNode node;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        int[] ports = EmbeddedKafka.freePorts(3);
        backends = new Backends();
        backends.start("127.0.0.1", ports[0], "cart");
        backends.start("127.0.0.1", ports[1], "search");
        backends.start("127.0.0.1", ports[2], "ledger");
        Path config = tmp.resolve("config");
        Files.createDirectories(config);
        StringBuilder yaml = new StringBuilder();
        String[][] services = {{"cart", "shop", "[]"}, {"search", "catalog", "[]"}, {"ledger", "billing", "[\".\"]"}};
        for (int i = 0; i < 3; i++) {
            yaml.append("""
                    apiVersion: networking.istio.io/v1
                    kind: ServiceEntry
                    metadata: {name: %s, namespace: %s}
                    spec:
                      hosts: [%s.%s.svc.cluster.local]
                      exportTo: %s
                      ports: [{number: 8080, name: grpc, protocol: GRPC}]
                      resolution: STATIC
                      endpoints: [{address: 127.0.0.1, ports: {grpc: %d}}]
                    ---
                    """.formatted(services[i][0], services[i][1], services[i][0], services[i][1], services[i][2], ports[i]));
        }
        yaml.append("""
                apiVersion: networking.istio.io/v1
                kind: Sidecar
                metadata: {name: default, namespace: shop}
                spec:
                  egress: [{hosts: ["./*"]}]
                """);
        Files.writeString(config.resolve("mesh.yaml"), yaml.toString());
        node = InProcess.start(tmp.resolve("data"), config, "front-v", false);
    }

    @AfterAll
    void stop() {
        InProcess.close(clients.toArray(new AutoCloseable[0]));
        InProcess.close(node, backends);
    }

    private ProxylessClient client(String namespace, String authority) {
        ProxylessClient c = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(), "app-" + clients.size(),
                namespace, Map.of("app", "app-" + clients.size())), authority);
        clients.add(c);
        return c;
    }

    private static void reaches(ProxylessClient c, String backend) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> backend.equals(c.call(Map.of(), 2_000)));
    }

    private static void cannotReach(ProxylessClient c) {
        assertThatThrownBy(() -> c.call(Map.of(), 3_000)).isInstanceOf(StatusRuntimeException.class);
    }

    @Test
    void aSidecarKeepsItsNamespaceToWhatItsEgressAllows() {
        reaches(client("shop", CART), "cart");
        cannotReach(client("shop", SEARCH));
        reaches(client("web", SEARCH), "search");
        reaches(client("web", CART), "cart");
    }

    @Test
    void aServiceExportedToItsOwnNamespaceIsReachableFromThereAlone() {
        reaches(client("billing", LEDGER), "ledger");
        cannotReach(client("web", LEDGER));
        cannotReach(client("shop", LEDGER));
    }
}
