package io.strait.bus.topic;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topics created with the cluster's own replication factor, as Strait does on an external cluster. */
class TopicInstallerTest {

    @Test
    void withoutAReplicationFactorTopicsTakeTheClustersDefaultAndTheirOwnPartitions(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir, EmbeddedKafka.freePort()).start();
             Admin admin = Admin.create(new BusConfig(kafka.bootstrapServers(), "test").admin())) {
            List<String> created = TopicInstaller.ensure(admin, TopicDefinition.all(), Optional.empty());
            assertThat(created).contains(Topics.CONFIG);
            TopicDefinition config = TopicDefinition.all().stream().filter(t -> t.name().equals(Topics.CONFIG)).findFirst().orElseThrow();
            TopicDescription described = admin.describeTopics(List.of(Topics.CONFIG)).allTopicNames().get().get(Topics.CONFIG);
            assertThat(described.partitions()).hasSize(config.partitions());
            // the one-node broker's default.replication.factor; a Strimzi cluster's would be 3
            assertThat(described.partitions().get(0).replicas()).hasSize(1);
            assertThat(TopicInstaller.ensure(admin, TopicDefinition.all(), Optional.empty())).isEmpty();
        }
    }
}
