package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.topic.Topics;
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
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workloads outside Kubernetes: a ServiceEntry selects WorkloadEntries by label; traffic reaches them by subset and
 * weight, and a new one joins the service by adding its WorkloadEntry alone. That endpoint change is served as EDS
 * by name: one record per cluster it touches on {@code strait.xds.endpoints.v1}, and no scope manifest rewritten.
 */
class WorkloadEntryTrafficTest {

    @Test
    void workloadEntriesSelectedByAServiceEntryServeItsTraffic(@TempDir Path tmp) throws Exception {
        int[] ports = EmbeddedKafka.freePorts(3);
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
             StraitNode node = InProcess.start(tmp.resolve("data"), config, "front-w", true)) {
            for (int i = 0; i < 3; i++) {
                backends.start("127.0.0.1", ports[i], "vm-" + (i + 1));
            }
            try (ProxylessClient client = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(), "web-1",
                    "shop", Map.of("app", "web")), "billing.shop.svc.cluster.local:9000")) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> Traffic.count(client, Map.of(), 40).keySet().equals(Set.of("vm-1", "vm-2")));
                Traffic.assertAll(client, Map.of("x-track", "canary"), "vm-2", 50);
                String admin = String.valueOf(node.adminPort());
                String before = BusProbe.source(node.bus()).live().revision();
                BusProbe.cli("wait", "--revision", before, "--timeout", "30s", "--admin-port", admin);
                Map<TopicPartition, Long> endpointsAt = ends(node, Topics.XDS_ENDPOINTS);
                Map<TopicPartition, Long> scopesAt = ends(node, Topics.XDS_SCOPES);
                // a new VM joins by its WorkloadEntry alone
                Files.writeString(config.resolve("vm-3.yaml"), vm(3, ports[2]));
                await().atMost(Duration.ofSeconds(30)).until(() -> !BusProbe.source(node.bus()).live().revision().equals(before));
                String revision = BusProbe.source(node.bus()).live().revision();
                String waited = BusProbe.cli("wait", "--revision", revision, "--timeout", "30s", "--admin-port", admin);
                assertThat(waited).contains("applied by all 1 proxies");
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> Traffic.count(client, Map.of(), 60).keySet().equals(Set.of("vm-1", "vm-2", "vm-3")));
                // the change is the assignments of the two clusters vm-3 belongs to (the service and subset v1),
                // by name; no manifest was rewritten for it
                assertThat(keysSince(node, Topics.XDS_ENDPOINTS, endpointsAt)).containsExactlyInAnyOrder(
                        "outbound|9000||billing.shop.svc.cluster.local", "outbound|9000|v1|billing.shop.svc.cluster.local");
                assertThat(ends(node, Topics.XDS_SCOPES)).isEqualTo(scopesAt);
            }
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(StraitNode node, String topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(node.bus().consumer("probe", null));
        consumer.assign(consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList());
        return consumer;
    }

    private static Map<TopicPartition, Long> ends(StraitNode node, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(node, topic)) {
            return consumer.endOffsets(consumer.assignment());
        }
    }

    /** The keys of the committed records written to {@code topic} after the given offsets. */
    private static List<String> keysSince(StraitNode node, String topic, Map<TopicPartition, Long> from) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(node, topic)) {
            from.forEach(consumer::seek);
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            List<String> keys = new ArrayList<>();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
            }
            return keys;
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
