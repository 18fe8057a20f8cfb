package io.strait.bus.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.bus.topic.TopicDefinition;
import io.strait.bus.topic.TopicInstaller;
import io.strait.bus.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    @Test
    void startsCreatesTopicsAndResumesOnTheSameDataDir(@TempDir Path dir) throws Exception {
        int port = EmbeddedKafka.freePort();
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir, port).start()) {
            BusConfig bus = new BusConfig(kafka.bootstrapServers(), "test");
            try (Admin admin = Admin.create(bus.admin())) {
                assertThat(TopicInstaller.ensure(admin, TopicDefinition.all(), (short) 1)).contains(Topics.CONFIG);
                assertThat(TopicInstaller.ensure(admin, TopicDefinition.all(), (short) 1)).isEmpty();
            }
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(bus.producer("t", "tx-test"))) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(Topics.REVISIONS, "a", new byte[] {1}));
                producer.send(new ProducerRecord<>(Topics.REVISIONS, "a", new byte[] {2}));
                producer.send(new ProducerRecord<>(Topics.REVISIONS, "b", new byte[] {3}));
                producer.send(new ProducerRecord<>(Topics.REVISIONS, "b", null));
                producer.commitTransaction();
            }
        }
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir, port).start()) {
            Map<String, byte[]> latest = TopicSnapshot.read(new BusConfig(kafka.bootstrapServers(), "test"),
                    Topics.REVISIONS, Duration.ofSeconds(30));
            assertThat(latest).containsOnlyKeys("a");
            assertThat(latest.get("a")).containsExactly(2);
        }
    }
}
