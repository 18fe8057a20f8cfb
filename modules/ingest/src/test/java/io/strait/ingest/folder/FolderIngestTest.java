package io.strait.ingest.folder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.kafka.TopicSnapshot;
import io.strait.bus.topic.TopicDefinition;
import io.strait.bus.topic.TopicInstaller;
import io.strait.bus.topic.Topics;
import io.strait.ingest.revision.RevisionBuilderTest;
import io.strait.model.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The folder source against a real broker: what reaches strait.config.v1, and what never does. */
class FolderIngestTest {
    private static EmbeddedKafka kafka;
    private static BusConfig bus;

    @BeforeAll
    static void startBroker(@TempDir Path dir) throws Exception {
        kafka = new EmbeddedKafka(dir, 0).start();
        bus = new BusConfig(kafka.bootstrapServers(), "test");
        try (Admin admin = Admin.create(bus.admin())) {
            TopicInstaller.ensure(admin, TopicDefinition.all(), (short) 1);
        }
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private static long configEnd() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(bus.consumer("t", null))) {
            TopicPartition p = new TopicPartition(Topics.CONFIG, 0);
            return c.endOffsets(List.of(p)).get(p);
        }
    }

    private static RevisionStatus status(String source) {
        byte[] v = TopicSnapshot.read(bus, Topics.REVISIONS, Duration.ofSeconds(10)).get(source);
        return v == null ? null : Json.read(v, RevisionStatus.class);
    }

    @Test
    void publishesRevisionsWholeRejectsBadOnesAndResumesWithoutRepublishing(@TempDir Path folder) throws Exception {
        String source = "folder:unit";
        Files.writeString(folder.resolve("se.yaml"), RevisionBuilderTest.SE);
        Files.writeString(folder.resolve("dr.yaml"), RevisionBuilderTest.DR);
        Files.writeString(folder.resolve("vs.yaml"), RevisionBuilderTest.vs("  - route: [{destination: {host: reviews, subset: v1}}]\n"));
        String live;
        try (FolderIngest ingest = new FolderIngest(bus, folder, source, Duration.ofMillis(20)).start()) {
            // commitTransaction returns before the last stable offset moves: read_committed readers see it a moment later
            await().atMost(Duration.ofSeconds(20)).until(() -> status(source) != null
                    && TopicSnapshot.read(bus, Topics.CONFIG, Duration.ofSeconds(10)).containsKey("revision/" + source));
            live = status(source).live().revision();
            Map<String, byte[]> config = TopicSnapshot.read(bus, Topics.CONFIG, Duration.ofSeconds(10));
            assertThat(config).containsKeys("ServiceEntry/bookinfo/reviews@" + source, "DestinationRule/bookinfo/reviews@" + source,
                    "VirtualService/bookinfo/reviews@" + source, "revision/" + source);
            assertThat(ConfigCodec.decodeMarker(config.get("revision/" + source)).revision()).isEqualTo(live);

            long before = configEnd();
            Files.writeString(folder.resolve("vs.yaml"), RevisionBuilderTest.vs("  - route: [{destination: {host: reviews, subset: v9}}]\n"));
            await().atMost(Duration.ofSeconds(20)).until(() -> status(source).lastRejected() != null);
            RevisionStatus rejected = status(source);
            assertThat(rejected.live().revision()).isEqualTo(live);
            assertThat(rejected.lastRejected().findings()).anySatisfy(f -> assertThat(f.file()).isEqualTo("vs.yaml"));
            assertThat(configEnd()).as("a rejected revision writes nothing to the config topic").isEqualTo(before);

            Files.writeString(folder.resolve("vs.yaml"), RevisionBuilderTest.vs("  - route: [{destination: {host: reviews, subset: v2}}]\n"));
            await().atMost(Duration.ofSeconds(20)).until(() -> !status(source).live().revision().equals(live));
            assertThat(status(source).live().changes()).isEqualTo(1);
        }
        long end = configEnd();
        try (FolderIngest again = new FolderIngest(bus, folder, source, Duration.ofMillis(20)).start()) {
            assertThat(configEnd()).as("a restart on unchanged config publishes nothing").isEqualTo(end);
        }
    }

    @Test
    void aMeshConfigFileOutsideTheFolderIsWatchedAndPublishedAsMeshConfig(@TempDir Path dir) throws Exception {
        String source = "folder:mesh";
        Path folder = Files.createDirectories(dir.resolve("config"));
        Files.writeString(folder.resolve("se.yaml"), RevisionBuilderTest.SE);
        Path mesh = Files.writeString(dir.resolve("prod-mesh.yaml"), "defaultHttpRetryPolicy: {attempts: 3}\n");
        try (FolderIngest ingest = new FolderIngest(bus, folder, source, Duration.ofMillis(20), mesh).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> status(source) != null && status(source).live() != null
                    && TopicSnapshot.read(bus, Topics.CONFIG, Duration.ofSeconds(10)).containsKey("MeshConfig//mesh@" + source));
            String first = status(source).live().revision();
            Files.writeString(mesh, "defaultHttpRetryPolicy: {attempts: 5}\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> !status(source).live().revision().equals(first));
            assertThat(status(source).live().changes()).as("the MeshConfig record alone").isEqualTo(1);
            var entry = ConfigCodec.decode(TopicSnapshot.read(bus, Topics.CONFIG, Duration.ofSeconds(10)).get("MeshConfig//mesh@" + source));
            assertThat(((io.strait.model.istio.MeshConfig) entry.resource().spec()).defaultHttpRetryPolicy().orElseThrow().attempts()).isEqualTo(5);
            Files.writeString(mesh, "defaultHttpRetryPolicy: {attempts: -1}\n");
            await().atMost(Duration.ofSeconds(20)).until(() -> status(source).lastRejected() != null);
            assertThat(status(source).lastRejected().findings()).anySatisfy(f -> assertThat(f.field()).isEqualTo("defaultHttpRetryPolicy.attempts"));
        }
    }
}
