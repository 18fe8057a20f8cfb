package io.strait.translate.runner;

import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.PollLoop;
import io.strait.bus.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows the tombstones of {@code strait.xds.resources.v1} and {@code strait.xds.endpoints.v1} from where they ended
 * when this translator started (what it knows the bus holds it learnt after that): each batch's deleted resource
 * hashes and cluster names go to the translator, which forgets them as published and writes again those a live
 * manifest of its own still names.
 */
final class TombstoneFollower implements AutoCloseable {
    private final PollLoop loop;

    /** @param onTombstones resource hashes and cluster names tombstoned in one batch (called on the poll thread) */
    TombstoneFollower(BusConfig bus, BiConsumer<List<String>, List<String>> onTombstones) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(bus.consumer("translate-tombstones", null));
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.XDS_RESOURCES, Topics.XDS_ENDPOINTS)) {
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // resolve the positions now, before this translator publishes anything: no tombstone after its first write is missed
        partitions.forEach(p -> consumer.position(p, Duration.ofSeconds(30)));
        this.loop = new PollLoop("translate-tombstones", consumer, Duration.ofMillis(500), records -> {
            List<String> resources = new ArrayList<>();
            List<String> clusters = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                if (r.value() == null && r.key() != null) {
                    (r.topic().equals(Topics.XDS_RESOURCES) ? resources : clusters).add(r.key());
                }
            }
            if (!resources.isEmpty() || !clusters.isEmpty()) {
                onTombstones.accept(resources, clusters);
            }
        });
    }

    TombstoneFollower start() {
        loop.start();
        return this;
    }

    @Override
    public void close() {
        loop.close();
    }
}
