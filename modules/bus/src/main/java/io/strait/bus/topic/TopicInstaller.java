package io.strait.bus.topic;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics that are missing on a cluster; existing ones are left as they are. */
public final class TopicInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(TopicInstaller.class);

    private TopicInstaller() {
    }

    /** Returns the names of the topics it created, each with {@code replicationFactor} replicas. */
    public static List<String> ensure(Admin admin, List<TopicDefinition> topics, short replicationFactor)
            throws ExecutionException, InterruptedException {
        return ensure(admin, topics, Optional.of(replicationFactor));
    }

    /**
     * Returns the names of the topics it created; with an empty {@code replicationFactor} each gets the cluster's
     * {@code default.replication.factor} — what a cluster of several brokers needs, since Strait writes with
     * acks=all and a topic with fewer replicas than the cluster's {@code min.insync.replicas} refuses every write.
     */
    public static List<String> ensure(Admin admin, List<TopicDefinition> topics, Optional<Short> replicationFactor)
            throws ExecutionException, InterruptedException {
        Set<String> existing = admin.listTopics().names().get();
        List<NewTopic> missing = topics.stream()
                .filter(t -> !existing.contains(t.name()))
                .map(t -> new NewTopic(t.name(), Optional.of(t.partitions()), replicationFactor).configs(t.config()))
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
        LOG.info("created topics {}", names);
        return names;
    }
}
