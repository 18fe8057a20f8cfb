package io.strait.ingest.revision;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.bus.envelope.ConfigKey;
import io.strait.bus.envelope.RevisionMarker;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.topic.Topics;
import io.strait.model.json.Json;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Writes a revision to the bus in one Kafka transaction: the changed resources, tombstones for removed ones
 * (both keyed with the source, {@link ConfigKey}),
 * the revision marker last, and the source's status. Readers use read_committed, so they see all of it or
 * none of it. The transactional id is per source, so a second ingest of the same source fences the first.
 */
public final class RevisionPublisher implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    /** Test-only ({@link CrashPoint}): where to halt mid-transaction; does nothing unless the fault tests set it. */
    private final CrashPoint crash = CrashPoint.fromEnvironment();

    public RevisionPublisher(BusConfig bus, String source) {
        this.producer = new KafkaProducer<>(bus.producer("ingest", "strait-ingest-" + source.replaceAll("[^A-Za-z0-9._-]", "_")));
        try {
            this.producer.initTransactions();
        } catch (KafkaException e) {
            producer.close(java.time.Duration.ZERO); // the bus is away: do not leak the producer's threads
            throw e;
        }
    }

    /** Publishes an accepted revision and its status atomically. */
    public void publish(RevisionDiff diff, RevisionMarker marker, RevisionStatus status) {
        inTransaction(() -> {
            String source = marker.source();
            diff.upserts().forEach((key, value) -> send(
                    new ProducerRecord<>(Topics.CONFIG, new ConfigKey(key, source).toString(), value)));
            diff.deletes().forEach(key -> send(
                    new ProducerRecord<>(Topics.CONFIG, new ConfigKey(key, source).toString(), null)));
            send(new ProducerRecord<>(Topics.CONFIG, marker.key(), ConfigCodec.encodeMarker(marker)));
            send(new ProducerRecord<>(Topics.REVISIONS, status.source(), Json.write(status)));
        });
    }

    /** Publishes only a status: a rejection, which leaves the live config untouched. */
    public void publishStatus(RevisionStatus status) {
        inTransaction(() -> producer.send(new ProducerRecord<>(Topics.REVISIONS, status.source(), Json.write(status))));
    }

    private void send(ProducerRecord<String, byte[]> record) {
        java.util.concurrent.Future<?> sent = producer.send(record);
        if (sent.isDone()) {
            // refused before it left (no metadata within max.block.ms: the bus is away). The client reports that in
            // the future, not by throwing, and would wait as long again for each record left: stop at the first
            try {
                sent.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof KafkaException k ? k : new KafkaException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new org.apache.kafka.common.errors.InterruptException(e);
            }
        }
        if (crash.crashAfterSend()) {
            producer.flush();
            Runtime.getRuntime().halt(137);
        }
    }

    private void inTransaction(Runnable sends) {
        producer.beginTransaction();
        crash.transactionBegun();
        try {
            sends.run();
            producer.commitTransaction();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            // the bus did not answer within max.block.ms: an abort would wait as long again for the same bus. The
            // caller abandons this producer; the next one's initTransactions settles the open transaction
            throw e;
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // a fenced or broken producer cannot abort; the caller recreates it
            }
            throw e;
        }
    }

    /**
     * Closes a producer whose write failed without waiting for the bus: a plain close would block until a transaction
     * it could not end is ended, for as long as the bus is away. What it left open is settled by the next producer of
     * the source (its {@code initTransactions} fences this one and commits or aborts the transaction).
     */
    public void abandon() {
        producer.close(java.time.Duration.ZERO);
    }

    @Override
    public void close() {
        producer.close();
    }
}
