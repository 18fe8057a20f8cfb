package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.topic.TopicDefinition;
import io.strait.bus.topic.TopicInstaller;
import io.strait.bus.topic.Topics;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest dies (halted like kill -9, by the test-only crash point {@code STRAIT_TEST_CRASH_IN_TRANSACTION}) in the
 * middle of a revision's transaction, after part of it reached the broker: the translator reads with read_committed
 * and never sees that part — the proxy stays on the previous revision — and a restarted ingest publishes the
 * revision whole, once.
 */
class IngestCrashTest {

    @Test
    void aRevisionCutShortByACrashIsNeverSeenInPartAndIsPublishedWholeAfterARestart(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("broker"), 0).start();
             MeshFixture mesh = new MeshFixture(tmp.resolve("config"))) {
            BusConfig bus = new BusConfig(kafka.bootstrapServers(), "it");
            try (Admin admin = Admin.create(bus.admin())) {
                TopicInstaller.ensure(admin, TopicDefinition.all(), (short) 1);
            }
            List<String> ingestArgs = List.of("--kafka", kafka.bootstrapServers(), "--admin-port", "-1",
                    "--config", mesh.configDir.toString(), "--data-dir", tmp.resolve("ingest").toString());
            try (StraitNode node = new StraitNode(new NodeOptions(EnumSet.of(Role.TRANSLATE, Role.XDS), kafka.bootstrapServers(), 0,
                         tmp.resolve("node"), null, "127.0.0.1", EmbeddedKafka.freePort(), -1, "front-i",
                         BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)).start();
                 AckingProxy proxy = new AckingProxy(node.xdsPort(), "team-a", 1)) {
                // the second transaction this ingest writes halts it after two records: before its marker or commit
                RoleProcess crashing = new RoleProcess("ingest", tmp.resolve("ingest"), ingestArgs,
                        Map.of("STRAIT_TEST_CRASH_IN_TRANSACTION", "2:2"));
                try {
                    await().atMost(Duration.ofSeconds(60)).until(() -> proxy.weight() == 20);
                    // one revision that changes two resources
                    mesh.writeVirtualService(MeshFixture.split(60, 30, 10));
                    Files.writeString(mesh.configDir.resolve("destination-rules/reviews.yaml"), """
                            apiVersion: networking.istio.io/v1
                            kind: DestinationRule
                            metadata:
                              name: reviews
                              namespace: bookinfo
                            spec:
                              host: reviews
                              trafficPolicy:
                                loadBalancer:
                                  simple: ROUND_ROBIN
                              subsets:
                              - name: v1
                                labels: {version: v1}
                              - name: v2
                                labels: {version: v2}
                              - name: v3
                                labels: {version: v3}
                            """);
                    await().atMost(Duration.ofSeconds(30)).until(() -> !crashing.isAlive());
                } finally {
                    crashing.close();
                }
                // part of the revision is in the log, yet read_committed readers saw none of it
                assertThat(uncommittedWeights(bus)).as("records of the cut transaction in the log").contains(30);
                assertThat(RevisionLog.read(bus, "folder:config")).extracting(RevisionLog.Committed::v2Weight).containsExactly(20);
                assertThat(proxy.weight()).as("the proxy stays on the last whole revision").isEqualTo(20);

                try (RoleProcess restarted = new RoleProcess("ingest", tmp.resolve("ingest"), ingestArgs)) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> proxy.weight() == 30);
                    await().atMost(Duration.ofSeconds(30)).until(() -> RevisionLog.read(bus, "folder:config").size() == 2);
                    List<RevisionLog.Committed> log = RevisionLog.read(bus, "folder:config");
                    assertThat(log).extracting(RevisionLog.Committed::v2Weight).containsExactly(20, 30);
                    assertThat(log.get(1).changes()).as("the whole revision: both resources").isEqualTo(2);
                    assertThat(restarted.isAlive()).isTrue();
                }
            }
        }
    }

    /** The v2 weights of every reviews VirtualService record in the config log, committed or not (read_uncommitted). */
    private static List<Integer> uncommittedWeights(BusConfig bus) {
        Map<String, Object> config = bus.consumer("uncommitted", null);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        TopicPartition p = new TopicPartition(Topics.CONFIG, 0);
        List<Integer> weights = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long end = consumer.endOffsets(List.of(p)).get(p);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(p) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key().startsWith("VirtualService/bookinfo/reviews@") && r.value() != null) {
                        weights.add(RevisionLog.v2Weight(r.value()));
                    }
                }
            }
        }
        return weights;
    }
}
