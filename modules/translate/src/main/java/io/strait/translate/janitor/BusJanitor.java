package io.strait.translate.janitor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.PoisonRecords;
import io.strait.bus.kafka.PollLoop;
import io.strait.bus.topic.Topics;
import io.strait.model.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus janitor: reads the xDS topics from their start ({@code strait.xds.scopes.v1}, {@code strait.xds.resources.v1},
 * {@code strait.xds.endpoints.v1}) and, every sweep once it has read them to their end, writes a tombstone for every
 * resource, bundle and assignment no live manifest has named for the retention ({@link JanitorPlan}). Compaction then
 * removes them, so what a starting front reads follows the live config, not the bus's history.
 *
 * <p>One translator runs it at a time: the one holding partition 0 of {@code strait.proxies.v1} in the translators'
 * group (Kafka's rebalancing already elects exactly one live owner per partition, and moves it when that translator
 * dies — no election of our own). Two at once, as during a rebalance, are harmless: both decide from the same topics,
 * and a tombstone written twice is one delete. The race with a translator that names a key as it is tombstoned is
 * closed on the translator's side: it follows the tombstones and writes again what a manifest of its own still names.
 */
public final class BusJanitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BusJanitor.class);
    private static final Logger EVENTS = LoggerFactory.getLogger("strait.events");
    private static final String READER = "janitor";
    /** The manifest envelope version this janitor reads; a newer one stops it from sweeping (it cannot tell what it names). */
    private static final int MANIFEST_VERSION = 1;

    private final Duration retention;
    private final long sweepEveryMs;
    private final LongSupplier clock;
    private final JanitorLedger ledger = new JanitorLedger();
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final PollLoop loop;
    private final Map<TopicPartition, Long> startEnd = new HashMap<>();
    private final Counter resourceTombstones;
    private final Counter assignmentTombstones;
    private boolean caughtUp;
    private long lastSweep;
    /** A manifest this janitor could not read: until one is read for its scope, it does not know what that scope names. */
    private final Map<String, String> unreadable = new HashMap<>();

    /**
     * @param retention how long a key must go unnamed before its tombstone
     * @param clock     epoch millis
     */
    public BusJanitor(BusConfig bus, Duration retention, MeterRegistry metrics, LongSupplier clock) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("--janitor-retention " + retention + " must be positive (0 turns the janitor off)");
        }
        this.retention = retention;
        this.sweepEveryMs = Math.max(1_000, Math.min(retention.toMillis() / 4, 60_000));
        this.clock = clock;
        this.resourceTombstones = Counter.builder("strait.janitor.tombstones").tag("topic", Topics.XDS_RESOURCES)
                .description("Tombstones the bus janitor wrote for keys no live manifest named for its retention").register(metrics);
        this.assignmentTombstones = Counter.builder("strait.janitor.tombstones").tag("topic", Topics.XDS_ENDPOINTS)
                .description("Tombstones the bus janitor wrote for keys no live manifest named for its retention").register(metrics);
        this.producer = new KafkaProducer<>(bus.producer(READER, null));
        this.consumer = new KafkaConsumer<>(bus.consumer(READER, null));
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.XDS_SCOPES, Topics.XDS_RESOURCES, Topics.XDS_ENDPOINTS)) {
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        startEnd.putAll(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
        this.lastSweep = clock.getAsLong();
        this.loop = new PollLoop(READER, consumer, Duration.ofMillis(500), this::apply);
    }

    public BusJanitor start() {
        EVENTS.info("this translator runs the bus janitor: keys no live manifest names for {} are tombstoned", retention);
        loop.start();
        return this;
    }

    private void apply(ConsumerRecords<String, byte[]> records) {
        long now = clock.getAsLong();
        for (ConsumerRecord<String, byte[]> r : records) {
            try {
                switch (r.topic()) {
                    case Topics.XDS_RESOURCES -> ledger.resource(r.key(), r.value(), now);
                    case Topics.XDS_ENDPOINTS -> ledger.assignment(r.key(), r.value() != null, now);
                    default -> manifest(r, now);
                }
            } catch (RuntimeException e) {
                PoisonRecords.skipped(READER, r, e);
            }
        }
        if (!caughtUp) {
            caughtUp = startEnd.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            if (caughtUp) {
                LOG.info("janitor read the xDS topics to their end: {} manifests, {} resources, {} assignments",
                        ledger.manifests(), ledger.resources(), ledger.clusters());
            }
        }
        if (caughtUp && now - lastSweep >= sweepEveryMs) {
            lastSweep = now;
            sweep(now);
        }
    }

    private void manifest(ConsumerRecord<String, byte[]> r, long now) {
        if (r.value() == null) {
            unreadable.remove(r.key());
            ledger.manifest(r.key(), null, now);
            return;
        }
        try {
            ScopeManifest m = Json.read(r.value(), ScopeManifest.class);
            PoisonRecords.requireVersion(m.v(), MANIFEST_VERSION, "scope manifest " + r.key());
            unreadable.remove(r.key());
            ledger.manifest(r.key(), m, now);
        } catch (RuntimeException e) {
            // the scope's previous manifest stays in the ledger: what it named is kept, and nothing is swept meanwhile
            unreadable.put(r.key(), e.getMessage());
            throw e;
        }
    }

    private void sweep(long now) {
        if (!unreadable.isEmpty()) {
            LOG.warn("janitor sweep skipped: the latest manifest of {} scope(s) cannot be read (e.g. {}), so what they name is unknown",
                    unreadable.size(), unreadable.entrySet().iterator().next());
            return;
        }
        java.util.Optional<String> missing = ledger.missingBundle();
        if (missing.isPresent()) {
            LOG.info("janitor sweep skipped: a live manifest names a bundle not read yet ({})", missing.get());
            return;
        }
        JanitorPlan plan = ledger.sweep(now, retention);
        List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
        try {
            plan.resources().forEach(h -> sent.add(producer.send(new ProducerRecord<>(Topics.XDS_RESOURCES, h, null))));
            plan.clusters().forEach(c -> sent.add(producer.send(new ProducerRecord<>(Topics.XDS_ENDPOINTS, c, null))));
            producer.flush();
            for (java.util.concurrent.Future<?> f : sent) {
                f.get();
            }
        } catch (KafkaException | java.util.concurrent.ExecutionException e) {
            // a tombstone written twice is one delete: plan them all again for the next sweep
            ledger.unplanned(plan, now - retention.toMillis());
            LOG.error("janitor could not write its tombstones ({}); the next sweep tries again", e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        resourceTombstones.increment(plan.resources().size());
        assignmentTombstones.increment(plan.clusters().size());
        LOG.info("janitor sweep: {} live manifests; tombstoned {} resources/bundles and {} assignments unnamed for {}; holds {} resources, {} assignments",
                ledger.manifests(), plan.resources().size(), plan.clusters().size(), retention, ledger.resources(), ledger.clusters());
    }

    @Override
    public void close() {
        loop.close();
        producer.close(Duration.ofSeconds(5));
    }
}
