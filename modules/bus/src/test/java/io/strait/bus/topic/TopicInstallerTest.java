package io.strait.bus.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicInstallerTest {

    @Test
    void minInsyncReplicasIsTwoOnThreeReplicasAndNeverAboveTheReplicationFactor() {
        TopicDefinition named = new TopicDefinition("t", 1, Map.of("cleanup.policy", "compact", "min.insync.replicas", "2"));
        TopicDefinition unnamed = new TopicDefinition("u", 1, Map.of("cleanup.policy", "compact"));

        assertThat(TopicInstaller.topicConfig(named, (short) 3)).containsEntry("min.insync.replicas", "2")
                .containsEntry("cleanup.policy", "compact");
        assertThat(TopicInstaller.topicConfig(unnamed, (short) 3)).containsEntry("min.insync.replicas", "2");
        assertThat(TopicInstaller.topicConfig(named, (short) 1)).containsEntry("min.insync.replicas", "1");
        assertThat(TopicInstaller.topicConfig(unnamed, (short) 2)).containsEntry("min.insync.replicas", "2");
        assertThat(TopicInstaller.topicConfig(new TopicDefinition("v", 1, Map.of("min.insync.replicas", "3")), (short) 5))
                .containsEntry("min.insync.replicas", "3");
    }

    @Test
    void everyShippedTopicGetsAMinimumIsrThatFitsItsReplicationFactor() {
        for (TopicDefinition t : TopicDefinition.all()) {
            assertThat(TopicInstaller.topicConfig(t, (short) 3)).as(t.name()).containsEntry("min.insync.replicas", "2");
            assertThat(TopicInstaller.topicConfig(t, (short) 1)).as(t.name()).containsEntry("min.insync.replicas", "1");
        }
    }
}
