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
 * Match conditions on the caller, by traffic: {@code sourceLabels} and {@code sourceNamespace} send some clients'
 * calls to v2 and leave the others on v1 (decided at translation, so the clients' scopes get different routes),
 * {@code withoutHeaders} takes a call only when the header is absent, and a VirtualService bound to a gateway only —
 * which would fail every call — changes nothing for the mesh's clients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SourceMatchTrafficTest {
    private static final String CATALOG = "catalog.shop.svc.cluster.local:8080";
    private final List<ProxylessClient> clients = new ArrayList<>();
    private Backends backends;
    private StraitNode node;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        int v1 = EmbeddedKafka.freePort();
        int v2 = EmbeddedKafka.freePort();
        backends = new Backends();
        backends.start("127.0.0.1", v1, "v1");
        backends.start("127.0.0.2", v2, "v2");
        Path config = tmp.resolve("config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("mesh.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: catalog, namespace: shop}
                spec:
                  hosts: [catalog.shop.svc.cluster.local]
                  ports: [{number: 8080, name: grpc, protocol: GRPC}]
                  resolution: STATIC
                  endpoints:
                  - {address: 127.0.0.1, ports: {grpc: %d}, labels: {version: v1}}
                  - {address: 127.0.0.2, ports: {grpc: %d}, labels: {version: v2}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: catalog, namespace: shop}
                spec:
                  host: catalog
                  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: catalog, namespace: shop}
                spec:
                  hosts: [catalog]
                  http:
                  - name: web-callers
                    match: [{sourceLabels: {app: web}}]
                    route: [{destination: {host: catalog, subset: v2}}]
                  - name: billing-callers
                    match: [{sourceNamespace: billing}]
                    route: [{destination: {host: catalog, subset: v2}}]
                  - name: api-unless-stable
                    match: [{sourceLabels: {app: api}, withoutHeaders: {x-stable: {}}}]
                    route: [{destination: {host: catalog, subset: v2}}]
                  - name: default
                    route: [{destination: {host: catalog, subset: v1}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: public, namespace: istio-system}
                spec:
                  selector: {istio: ingressgateway}
                  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*/catalog.example.com"]}]
                ---
                # for the gateway only: were it applied to the mesh, every call would fail
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: catalog-public, namespace: shop}
                spec:
                  hosts: [catalog.example.com]
                  gateways: [istio-system/public]
                  http:
                  - route: [{destination: {host: catalog, subset: v2}}]
                    fault: {abort: {grpcStatus: UNAVAILABLE, percentage: {value: 100}}}
                """.formatted(v1, v2));
        node = InProcess.start(tmp.resolve("data"), config, "front-s", false);
    }

    @AfterAll
    void stop() {
        InProcess.close(clients.toArray(new AutoCloseable[0]));
        InProcess.close(node, backends);
    }

    private ProxylessClient client(String namespace, String app) {
        ProxylessClient c = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(), app + "-" + clients.size(),
                namespace, Map.of("app", app)), CATALOG);
        clients.add(c);
        return c;
    }

    /** Where 20 calls went, once the client has config. */
    private static Map<String, Integer> calls(ProxylessClient c, Map<String, String> headers) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> c.call(headers, 2_000) != null);
        return Traffic.count(c, headers, 20);
    }

    @Test
    void callersAreRoutedByWhoTheyAreAndAGatewayOnlyRouteLeavesThemAlone() {
        Map<String, Integer> web = calls(client("shop", "web"), Map.of());
        Map<String, Integer> other = calls(client("shop", "other"), Map.of());
        Map<String, Integer> billing = calls(client("billing", "other"), Map.of());
        ProxylessClient api = client("shop", "api");
        Map<String, Integer> apiPlain = calls(api, Map.of());
        Map<String, Integer> apiStable = calls(api, Map.of("x-stable", "1"));
        System.out.printf("source matches: web %s, other %s, billing %s, api %s, api with x-stable %s%n",
                web, other, billing, apiPlain, apiStable);
        assertThat(web).isEqualTo(Map.of("v2", 20));
        assertThat(other).as("no caller condition holds; the gateway-only abort does not apply").isEqualTo(Map.of("v1", 20));
        assertThat(billing).isEqualTo(Map.of("v2", 20));
        assertThat(apiPlain).isEqualTo(Map.of("v2", 20));
        assertThat(apiStable).as("withoutHeaders: the header is present").isEqualTo(Map.of("v1", 20));
    }
}
