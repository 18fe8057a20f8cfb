package io.strait.translate.runner;

import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.PollLoop;
import io.strait.bus.topic.Topics;
import io.strait.model.mesh.MeshModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the {@link MeshModel} from {@code strait.config.v1} (from the start: translators keep no local state)
 * and follows it. {@link SourceMerge} buffers each source's changes until that source's revision marker, so the
 * model only ever moves from one whole revision to the next, and merges the sources (the conflict rule is there).
 * The first model is emitted once the topic has been read to its end.
 */
final class ModelFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFollower.class);

    private final Consumer<ModelRevision> onRevision;
    private final SourceMerge merge = new SourceMerge();
    private boolean emitted;
    private final PollLoop loop;
    private final TopicPartition partition = new TopicPartition(Topics.CONFIG, 0);
    private long endAtStart;
    private boolean caughtUp;
    private boolean dirty;

    /**
     * The model at a revision boundary: the live revision of each source, when the newest was published, and the
     * resources that changed since the previous model (null for the first model: everything is new).
     */
    record ModelRevision(MeshModel model, Map<String, String> revisions, long publishedAt,
                         List<ConfigChange> changes) {
    }

    /** @param onRevision called on the follower's thread with each new model */
    ModelFollower(BusConfig bus, Consumer<ModelRevision> onRevision) {
        this.onRevision = onRevision;
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(bus.consumer("translate-config", null));
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        this.endAtStart = consumer.endOffsets(List.of(partition)).get(partition);
        this.loop = new PollLoop("translate-config", consumer, Duration.ofMillis(200), records -> handle(consumer, records));
    }

    ModelFollower start() {
        loop.start();
        return this;
    }

    private void handle(KafkaConsumer<String, byte[]> consumer, ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> r : records) {
            try {
                dirty |= merge.accept(r.key(), r.value());
            } catch (RuntimeException e) {
                io.strait.bus.kafka.PoisonRecords.skipped("translate", r, e); // the revision it belongs to goes on without it
            }
        }
        if (!caughtUp && consumer.position(partition) >= endAtStart) {
            caughtUp = true;
            dirty = true;
        }
        // a conflict is logged when it starts (also during the catch-up: a restarted translator says it again)
        merge.drainConflicts().forEach(c -> LOG.warn("config conflict: {}", c));
        if (caughtUp && dirty) {
            dirty = false;
            List<ConfigChange> changed = merge.drainChanges();
            onRevision.accept(new ModelRevision(merge.model(), merge.revisions(), merge.publishedAt(),
                    emitted ? changed : null));
            emitted = true;
        }
    }

    @Override
    public void close() {
        loop.close();
    }
}
