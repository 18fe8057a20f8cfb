package io.strait.it;

import static org.awaitility.Awaitility.await;

import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.cli.bootstrap.GrpcBootstrap;
import io.strait.cli.demo.Backends;
import io.strait.cli.demo.ProxylessClient;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workloads outside Kubernetes: a ServiceEntry selects WorkloadEntries by label; traffic reaches them by subset and
 * weight, and a new one joins the service by adding its WorkloadEntry alone.
 */
class WorkloadEntryTrafficTest {

    @Test
    void workloadEntriesSelectedByAServiceEntryServeItsTraffic(@TempDir Path tmp) throws Exception {
        int[] ports = {EmbeddedKafka.freePort(), EmbeddedKafka.freePort(), EmbeddedKafka.freePort()};
        Path config = tmp.resolve("config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("billing.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: billing, namespace: shop}
                spec:
                  hosts: [billing.shop.svc.cluster.local]
                  ports: [{number: 9000, name: grpc, protocol: GRPC}]
                  resolution: STATIC
                  workloadSelector: {labels: {app: billing}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: billing, namespace: shop}
                spec:
                  host: billing
                  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: billing, namespace: shop}
                spec:
                  hosts: [billing]
                  http:
                  - match: [{headers: {x-track: {exact: canary}}}]
                    route: [{destination: {host: billing, subset: v2}}]
                  - route: [{destination: {host: billing}}]
                """);
        for (int i = 0; i < 2; i++) {
            Files.writeString(config.resolve("vm-" + (i + 1) + ".yaml"), vm(i + 1, ports[i]));
        }
        try (Backends backends = new Backends();
             StraitNode node = InProcess.start(tmp.resolve("data"), config, "front-w", false)) {
            for (int i = 0; i < 3; i++) {
                backends.start("127.0.0.1", ports[i], "vm-" + (i + 1));
            }
            try (ProxylessClient client = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(), "web-1",
                    "shop", Map.of("app", "web")), "billing.shop.svc.cluster.local:9000")) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> Traffic.count(client, Map.of(), 40).keySet().equals(Set.of("vm-1", "vm-2")));
                Traffic.assertAll(client, Map.of("x-track", "canary"), "vm-2", 50);
                // a new VM joins by its WorkloadEntry alone
                Files.writeString(config.resolve("vm-3.yaml"), vm(3, ports[2]));
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> Traffic.count(client, Map.of(), 60).keySet().equals(Set.of("vm-1", "vm-2", "vm-3")));
            }
        }
    }

    private static String vm(int n, int port) {
        return """
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: billing-vm-%d, namespace: shop}
                spec: {address: 127.0.0.1, ports: {grpc: %d}, labels: {app: billing, version: v%d}}
                """.formatted(n, port, n == 2 ? 2 : 1);
    }
}
