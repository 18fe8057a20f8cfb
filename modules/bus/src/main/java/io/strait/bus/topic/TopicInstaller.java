package io.strait.bus.topic;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics that are missing on a cluster. Every topic gets the replication factor asked for, and a
 * {@code min.insync.replicas} that fits it (see {@link #topicConfig}), so that with {@code acks=all} a write survives
 * the loss of any one broker on a cluster of three or more. An existing topic is left as it is except for its
 * compaction settings ({@link #COMPACTION_KEYS}): where the definition names one and the topic still has the broker's
 * default, it gets the definition's, so a cluster created by an older Strait cleans its xDS topics as a new one does;
 * an operator's own per-topic override is kept.
 */
public final class TopicInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(TopicInstaller.class);
    static final String MIN_ISR = "min.insync.replicas";
    /** The replication factor a cluster of three or more brokers gets by default: any one broker may be lost. */
    public static final short PREFERRED_REPLICATION_FACTOR = 3;

    private TopicInstaller() {
    }

    /** The settings that decide how soon compaction removes what was superseded or tombstoned. */
    public static final Set<String> COMPACTION_KEYS = Set.of("max.compaction.lag.ms", "segment.ms", "min.cleanable.dirty.ratio",
            "delete.retention.ms", "min.compaction.lag.ms");

    /** Returns the names of the topics it created. */
    public static List<String> ensure(Admin admin, List<TopicDefinition> topics, short replicationFactor)
            throws ExecutionException, InterruptedException {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " must be at least 1");
        }
        Set<String> existing = admin.listTopics().names().get();
        alignCompaction(admin, topics.stream().filter(t -> existing.contains(t.name())).toList());
        List<NewTopic> missing = topics.stream()
                .filter(t -> !existing.contains(t.name()))
                .map(t -> new NewTopic(t.name(), t.partitions(), replicationFactor).configs(topicConfig(t, replicationFactor)))
                .toList();
        if (missing.isEmpty()) {
            return List.of();
        }
        try {
            admin.createTopics(missing).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            // another role created it first: that is the outcome we wanted
        }
        List<String> names = missing.stream().map(NewTopic::name).toList();
        LOG.info("created topics {} with replication factor {}", names, replicationFactor);
        return names;
    }

    /** Gives existing topics the definitions' compaction settings where they still have the broker's defaults. */
    private static void alignCompaction(Admin admin, List<TopicDefinition> topics) throws ExecutionException, InterruptedException {
        List<TopicDefinition> named = topics.stream()
                .filter(t -> t.config().keySet().stream().anyMatch(COMPACTION_KEYS::contains)).toList();
        if (named.isEmpty()) {
            return;
        }
        Map<ConfigResource, Config> current = admin.describeConfigs(named.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList()).all().get();
        Map<ConfigResource, java.util.Collection<AlterConfigOp>> changes = new HashMap<>();
        for (TopicDefinition t : named) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, t.name());
            Config config = current.get(resource);
            Map<String, String> values = new HashMap<>();
            Set<String> overridden = new java.util.HashSet<>();
            for (ConfigEntry e : config.entries()) {
                values.put(e.name(), e.value());
                if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                    overridden.add(e.name());
                }
            }
            Map<String, String> updates = compactionUpdates(t, values, overridden);
            if (!updates.isEmpty()) {
                changes.put(resource, updates.entrySet().stream()
                        .map(u -> new AlterConfigOp(new ConfigEntry(u.getKey(), u.getValue()), AlterConfigOp.OpType.SET)).toList());
                LOG.info("topic {}: compaction settings {} set as its definition says", t.name(), updates);
            }
        }
        if (!changes.isEmpty()) {
            admin.incrementalAlterConfigs(changes).all().get();
        }
    }

    /**
     * The compaction settings an existing topic should get: those its definition names whose value differs and which
     * the topic does not override itself ({@code overridden}: set per topic, by Strait or by an operator).
     */
    static Map<String, String> compactionUpdates(TopicDefinition topic, Map<String, String> current, Set<String> overridden) {
        Map<String, String> out = new java.util.TreeMap<>();
        topic.config().forEach((key, wanted) -> {
            if (COMPACTION_KEYS.contains(key) && !overridden.contains(key) && !wanted.equals(current.get(key))) {
                out.put(key, wanted);
            }
        });
        return out;
    }

    /**
     * The replication factor to use when none is asked for: {@value #PREFERRED_REPLICATION_FACTOR}, or every broker
     * of a smaller cluster (one for a single broker, such as the embedded one).
     */
    public static short defaultReplicationFactor(Admin admin) throws ExecutionException, InterruptedException {
        int brokers = admin.describeCluster().nodes().get().size();
        return (short) Math.max(1, Math.min(PREFERRED_REPLICATION_FACTOR, brokers));
    }

    /**
     * A topic's configs for this replication factor: its own, with {@code min.insync.replicas} the definition's
     * (2 when it names none) but never more than the replication factor — a topic whose minimum ISR exceeds its
     * replica count could not be written at all.
     */
    public static Map<String, String> topicConfig(TopicDefinition topic, short replicationFactor) {
        Map<String, String> config = new HashMap<>(topic.config());
        int wanted = config.containsKey(MIN_ISR) ? Integer.parseInt(config.get(MIN_ISR).trim()) : 2;
        config.put(MIN_ISR, String.valueOf(Math.max(1, Math.min(wanted, replicationFactor))));
        return Map.copyOf(config);
    }
}
