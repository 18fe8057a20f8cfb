package io.strait.translate.runner;

import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.PollLoop;
import io.strait.bus.topic.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code strait.endpoints.v1} — every partition, from the start (translators keep no local state),
 * read_committed — into a {@link RegistryLog}. It says when changes are ready ({@code onReady}) only once every
 * partition has been read to the end it had at start, and then after each batch that brought records; the translator
 * takes what gathered with {@link #drain} on its own thread, so records arriving while it is busy join the next step.
 */
final class RegistryFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryFollower.class);

    private final RegistryLog log = new RegistryLog();
    private final Runnable onReady;
    private final PollLoop loop;
    private final Map<TopicPartition, Long> endAtStart;
    private boolean caughtUp;

    /** @param onReady called on the follower's thread when a step can be drained */
    RegistryFollower(BusConfig bus, Runnable onReady) {
        this.onReady = onReady;
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(bus.consumer("translate-registry", null));
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.ENDPOINTS).stream()
                .map(p -> new TopicPartition(Topics.ENDPOINTS, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.endAtStart = consumer.endOffsets(partitions);
        this.loop = new PollLoop("translate-registry", consumer, Duration.ofMillis(200), records -> handle(consumer, records));
    }

    RegistryFollower start() {
        loop.start();
        return this;
    }

    private void handle(KafkaConsumer<String, byte[]> consumer, ConsumerRecords<String, byte[]> records) {
        boolean arrived;
        synchronized (log) {
            for (ConsumerRecord<String, byte[]> r : records) {
                try {
                    log.accept(r.partition(), r.offset(), r.timestamp(), r.key(), r.value());
                } catch (IllegalArgumentException e) {
                    LOG.error("skipping {} at {}-{} offset {}: {}", r.key(), r.topic(), r.partition(), r.offset(), e.getMessage());
                }
            }
            arrived = log.hasChanges();
        }
        boolean first = false;
        if (!caughtUp && endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
            caughtUp = true;
            first = true;
        }
        if (caughtUp && (arrived || first)) {
            onReady.run();
        }
    }

    /** What gathered since the last step (called on the translator's thread). */
    RegistryLog.Step drain() {
        synchronized (log) {
            return log.drain();
        }
    }

    @Override
    public void close() {
        loop.close();
    }
}
