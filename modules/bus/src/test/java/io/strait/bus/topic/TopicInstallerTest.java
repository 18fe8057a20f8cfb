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

    @Test
    void anExistingTopicGetsTheCompactionSettingsItStillHasFromTheBrokerButKeepsItsOwnOverrides() {
        TopicDefinition resources = new TopicDefinition("r", 6, Map.of("cleanup.policy", "compact", "segment.ms", "3600000",
                "min.cleanable.dirty.ratio", "0.25", "max.compaction.lag.ms", "3600000"));
        Map<String, String> current = Map.of("cleanup.policy", "delete", "segment.ms", "604800000",
                "min.cleanable.dirty.ratio", "0.1", "max.compaction.lag.ms", "3600000");

        // cleanup.policy is never altered on an existing topic; the operator's dirty ratio stays; the lag already matches
        assertThat(TopicInstaller.compactionUpdates(resources, current, java.util.Set.of("min.cleanable.dirty.ratio")))
                .containsExactly(Map.entry("segment.ms", "3600000"));
    }

    @Test
    void theXdsTopicsAreCleanedWithinAnHourWhateverTheirTraffic() {
        for (TopicDefinition t : TopicDefinition.all()) {
            if (t.name().startsWith("strait.xds.") && !t.name().equals(Topics.XDS_COVERAGE)) {
                assertThat(t.config()).as(t.name()).containsEntry("max.compaction.lag.ms", "3600000")
                        .containsEntry("min.cleanable.dirty.ratio", "0.25").containsEntry("delete.retention.ms", "3600000");
            }
        }
    }
}
