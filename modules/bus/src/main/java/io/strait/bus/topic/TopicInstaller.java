package io.strait.bus.topic;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics that are missing on a cluster; existing ones are left as they are. Every topic gets the
 * replication factor asked for, and a {@code min.insync.replicas} that fits it (see {@link #topicConfig}), so that
 * with {@code acks=all} a write survives the loss of any one broker on a cluster of three or more.
 */
public final class TopicInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(TopicInstaller.class);
    static final String MIN_ISR = "min.insync.replicas";
    /** The replication factor a cluster of three or more brokers gets by default: any one broker may be lost. */
    public static final short PREFERRED_REPLICATION_FACTOR = 3;

    private TopicInstaller() {
    }

    /** Returns the names of the topics it created. */
    public static List<String> ensure(Admin admin, List<TopicDefinition> topics, short replicationFactor)
            throws ExecutionException, InterruptedException {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " must be at least 1");
        }
        Set<String> existing = admin.listTopics().names().get();
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
