package io.strait.translate.runner;

import io.strait.bus.envelope.RolloutPolicy;
import io.strait.bus.envelope.RolloutState;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.topic.Topics;
import io.strait.model.json.Json;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The translator's copy of {@code strait.rollouts.v1}, read from its start. Not thread-safe: only the translator's
 * worker thread calls it. Before a model is published the follower is read to the topic's end
 * ({@link #catchUp}): a policy is written before the source publishes under it, and a revision's state before anyone
 * acts on it, so once caught up after seeing a revision the translator knows whether that revision is held.
 */
final class RolloutFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutFollower.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final TopicPartition partition = new TopicPartition(Topics.ROLLOUTS, 0);
    private final Map<String, RolloutPolicy> policies = new HashMap<>();
    private final Map<String, RolloutState> states = new HashMap<>();

    RolloutFollower(BusConfig bus) {
        consumer = new KafkaConsumer<>(bus.consumer("translate-rollouts", null));
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
    }

    /** Reads to the topic's current end; false if that could not be done within {@code timeout}. */
    boolean catchUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            while (consumer.position(partition) < end) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                consumer.poll(Duration.ofMillis(100)).forEach(this::apply);
            }
            return true;
        } catch (KafkaException e) {
            LOG.warn("reading {} failed: {}", Topics.ROLLOUTS, e.toString());
            return false;
        }
    }

    /** Takes what has arrived since; true if anything did. */
    boolean poll() {
        try {
            var records = consumer.poll(Duration.ofMillis(10));
            records.forEach(this::apply);
            return !records.isEmpty();
        } catch (KafkaException e) {
            LOG.warn("reading {} failed: {}", Topics.ROLLOUTS, e.toString());
            return false;
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        try {
            if (r.key().startsWith(RolloutPolicy.KEY_PREFIX)) {
                String source = r.key().substring(RolloutPolicy.KEY_PREFIX.length());
                if (r.value() == null) {
                    policies.remove(source);
                } else {
                    policies.put(source, Json.read(r.value(), RolloutPolicy.class));
                }
            } else if (r.key().startsWith(RolloutState.KEY_PREFIX)) {
                if (r.value() == null) {
                    states.remove(r.key());
                } else {
                    states.put(r.key(), Json.read(r.value(), RolloutState.class));
                }
            }
        } catch (RuntimeException e) {
            io.strait.bus.kafka.PoisonRecords.skipped("translate-rollouts", r, e);
        }
    }

    RolloutHold hold(Map<String, String> revisions) {
        return RolloutHold.of(revisions, policies, states);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
