package io.strait.translate.runner;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.bus.envelope.RevisionMarker;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.PollLoop;
import io.strait.bus.topic.Topics;
import io.strait.model.istio.IstioResource;
import io.strait.model.mesh.MeshModel;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the {@link MeshModel} from {@code strait.config.v1} (from the start: translators keep no local state)
 * and follows it. Changes are buffered until their revision marker, so the model only ever moves from one whole
 * revision to the next. The first model is emitted once the topic has been read to its end.
 */
final class ModelFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFollower.class);

    private final Consumer<ModelRevision> onRevision;
    private final Map<String, IstioResource> live = new HashMap<>();
    private final Map<String, IstioResource> pending = new HashMap<>();
    /** What changed since the last model emitted, per key (the first before, the last after). */
    private final Map<String, ConfigChange> changes = new HashMap<>();
    private boolean emitted;
    private final Map<String, String> revisions = new TreeMap<>();
    private final PollLoop loop;
    private final TopicPartition partition = new TopicPartition(Topics.CONFIG, 0);
    private long endAtStart;
    private long publishedAt;
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
                apply(r);
            } catch (RuntimeException e) {
                LOG.error("skipping unreadable config record {} at offset {}", r.key(), r.offset(), e);
            }
        }
        if (!caughtUp && consumer.position(partition) >= endAtStart) {
            caughtUp = true;
            dirty = true;
        }
        if (caughtUp && dirty) {
            dirty = false;
            List<ConfigChange> changed = emitted ? List.copyOf(changes.values()) : null;
            changes.clear();
            emitted = true;
            onRevision.accept(new ModelRevision(MeshModel.of(List.copyOf(live.values())), Map.copyOf(revisions), publishedAt,
                    changed));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (ConfigCodec.isMarkerKey(r.key())) {
            if (r.value() == null) {
                return;
            }
            RevisionMarker marker = ConfigCodec.decodeMarker(r.value());
            pending.forEach((key, resource) -> {
                ConfigChange earlier = changes.get(key);
                changes.put(key, new ConfigChange(earlier != null ? earlier.before() : live.get(key), resource));
                if (resource == null) {
                    live.remove(key);
                } else {
                    live.put(key, resource);
                }
            });
            pending.clear();
            revisions.put(marker.source(), marker.revision());
            publishedAt = Math.max(publishedAt, marker.publishedAt());
            dirty = true;
        } else {
            pending.put(r.key(), r.value() == null ? null : ConfigCodec.decode(r.value()).resource());
        }
    }

    @Override
    public void close() {
        loop.close();
    }
}
