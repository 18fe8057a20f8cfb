package io.strait.ingest.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.bus.envelope.RevisionMarker;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.kafka.TopicSnapshot;
import io.strait.bus.topic.TopicDefinition;
import io.strait.bus.topic.TopicInstaller;
import io.strait.bus.topic.Topics;
import io.strait.model.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A commit read while the bus is down is published when the bus returns, by the git source's own retry: not on its
 * next poll (an hour away here), without asking the remote again, and exactly once (one revision marker per commit in
 * the log, in order).
 */
class GitPublishRetryTest {
    private static final Duration NEVER = Duration.ofHours(1);

    @Test
    void aRevisionTheBusRefusedIsPublishedOnceWhenTheBusReturnsWithoutReadingTheRemoteAgain(@TempDir Path dir) throws Exception {
        int port = EmbeddedKafka.freePort();
        Path kafkaDir = dir.resolve("kafka");
        EmbeddedKafka kafka = new EmbeddedKafka(kafkaDir, port).start();
        BusConfig bus = new BusConfig(kafka.bootstrapServers(), "test");
        try (Admin admin = Admin.create(bus.admin())) {
            TopicInstaller.ensure(admin, TopicDefinition.all(), (short) 1);
        }
        try (TestRepo repo = new TestRepo(dir.resolve("repo"))) {
            RevCommit first = repo.push("reviews to v1", GitSourceTest.GOOD);
            GitSourceOptions options = GitSourceOptions.of(repo.url(), "main").withPoll(NEVER);
            String source = options.sourceName();
            try (GitSource git = new GitSource(bus, options, dir.resolve("data")).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> first.name().equals(live(bus, source)));

                kafka.close();
                RevCommit second = repo.push("reviews to v2", GitSourceTest.GOOD_V2);
                git.fetchNow("a push while the bus is down");
                // the producer gives up on the transaction after its max.block.ms (60 s by default)
                await().atMost(Duration.ofSeconds(150)).until(() -> git.publishFailures() >= 1);
                long reads = git.remoteReads();

                kafka = new EmbeddedKafka(kafkaDir, port).start();
                await().atMost(Duration.ofSeconds(150)).until(() -> second.name().equals(live(bus, source)));
                assertThat(git.remoteReads()).as("the retry publishes what was read; it does not ask the remote again").isEqualTo(reads);
                assertThat(markers(bus, source)).as("each commit committed once, in order").containsExactly(first.name(), second.name());
            }
        } finally {
            kafka.close();
        }
    }

    private static String live(BusConfig bus, String source) {
        byte[] v = TopicSnapshot.read(bus, Topics.REVISIONS, Duration.ofSeconds(10)).get(source);
        return v == null ? null : Json.read(v, RevisionStatus.class).liveRevision();
    }

    /** The revisions of {@code source} whose markers a read_committed reader sees on the config topic, in log order. */
    private static List<String> markers(BusConfig bus, String source) {
        TopicPartition partition = new TopicPartition(Topics.CONFIG, 0);
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(bus.consumer("markers", null))) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (ConfigCodec.isMarkerKey(r.key())) {
                        RevisionMarker m = ConfigCodec.decodeMarker(r.value());
                        if (m.source().equals(source)) {
                            out.add(m.revision());
                        }
                    }
                }
                return consumer.position(partition) >= end;
            });
        }
        return out;
    }
}
