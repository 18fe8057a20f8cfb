package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.topic.TopicDefinition;
import io.strait.bus.topic.Topics;
import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.cli.demo.ProxylessClient;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import io.strait.model.proxy.ProxyIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two translators share the scopes through their consumer group; one is killed (no shutdown hook) during a stream
 * of revisions. Kafka's rebalance moves its scopes to the other, which recomputes them: every proxy ends on the
 * last revision, and the time from the kill to the last proxy serving traffic of a revision written right after it
 * is printed.
 */
class TranslatorFailoverTest {
    private static final int CLIENTS = 6;

    @Test
    void killingOneOfTwoTranslatorsMovesItsScopesAndLosesNoRevision(@TempDir Path tmp) throws Exception {
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("config"));
             StraitNode node = new StraitNode(new NodeOptions(EnumSet.of(Role.INGEST, Role.XDS), null, 0, tmp.resolve("data"),
                     mesh.configDir, "127.0.0.1", EmbeddedKafka.freePort(), -1, "front-f", 2000)).start()) {
            BusConfig bus = node.bus();
            List<String> common = List.of("--kafka", node.bootstrapServers(), "--admin-port", "-1", "--group-session-timeout", "2s");
            RoleProcess first = new RoleProcess("translate", tmp.resolve("t1"), concat(common, "--data-dir", tmp.resolve("t1").toString()));
            await().atMost(Duration.ofSeconds(60)).until(() -> first.output().contains("now owns scope partitions"));
            RoleProcess second = new RoleProcess("translate", tmp.resolve("t2"), concat(common, "--data-dir", tmp.resolve("t2").toString()));
            List<ProxylessClient> clients = new ArrayList<>();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> second.output().contains("now owns scope partitions"));
                String server = "127.0.0.1:" + node.xdsPort();
                for (Map<String, String> labels : labelsInBothHalves()) {
                    clients.add(new ProxylessClient(GrpcBootstrap.forWorkload(server, labels.get("app") + "-1", "bookinfo", labels),
                            MeshFixture.AUTHORITY));
                }
                for (ProxylessClient c : clients) {
                    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> c.call(Map.of(), 1000) != null);
                }

                first.kill();
                long killedAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                        .until(() -> second.output().contains("now owns scope partitions [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]"));
                long movedMillis = (System.nanoTime() - killedAt) / 1_000_000;
                // a stream of revisions, each published before the next is written
                String last = BusProbe.source(bus).live().revision();
                for (String target : List.of("v1", "v2", "v1", "v3")) {
                    String before = last;
                    mesh.writeVirtualService(MeshFixture.all(target));
                    await().atMost(Duration.ofSeconds(30)).until(() -> !BusProbe.source(bus).live().revision().equals(before));
                    last = BusProbe.source(bus).live().revision();
                }
                for (ProxylessClient c : clients) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> Traffic.count(c, Map.of(), 10).keySet().equals(Set.of("v3")));
                }
                long millis = (System.nanoTime() - killedAt) / 1_000_000;
                System.out.printf("translator killed: the survivor owned every scope %d ms after the kill (2 s group session); "
                        + "all %d proxies served the last of 4 revisions %d ms after the kill%n", movedMillis, CLIENTS, millis);
                String waited = BusProbe.cli("wait", "--revision", last, "--timeout", "30s", "--kafka", node.bootstrapServers());
                assertThat(waited).contains(CLIENTS + "/" + CLIENTS + " proxies");
                assertThat(second.output()).contains("now owns scope partitions");
                assertThat(movedMillis).isLessThan(30_000);
            } finally {
                InProcess.close(clients.toArray(new AutoCloseable[0]));
                InProcess.close(second, first);
            }
        }
    }

    /** Workload labels whose scopes land half in the lower and half in the upper partitions of the proxies topic. */
    private static List<Map<String, String>> labelsInBothHalves() {
        int partitions = TopicDefinition.all().stream().filter(t -> t.name().equals(Topics.PROXIES)).findFirst().orElseThrow().partitions();
        List<Map<String, String>> low = new ArrayList<>();
        List<Map<String, String>> high = new ArrayList<>();
        for (int i = 0; low.size() < CLIENTS / 2 || high.size() < CLIENTS / 2; i++) {
            Map<String, String> labels = Map.of("app", "web" + i);
            GrpcBootstrap b = GrpcBootstrap.forWorkload("unused:1", "web" + i + "-1", "bookinfo", labels);
            String scope = ProxyIdentity.of(b.nodeId(), Map.of("GENERATOR", "grpc", "NAMESPACE", "bookinfo",
                    "SERVICE_ACCOUNT", "default", "CLUSTER_ID", "Kubernetes"), labels).scopeId();
            int partition = Utils.toPositive(Utils.murmur2(scope.getBytes(StandardCharsets.UTF_8))) % partitions;
            List<Map<String, String>> half = partition < partitions / 2 ? low : high;
            if (half.size() < CLIENTS / 2) {
                half.add(labels);
            }
        }
        List<Map<String, String>> all = new ArrayList<>(low);
        all.addAll(high);
        return all;
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }
}
