package io.strait.bus.kafka;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a role could not read — garbage bytes, an envelope version this Strait does not know, a truncated
 * resource — are skipped, one at a time, so that one bad record never stops a role nor the records after it. Each
 * skip is one error line naming the topic, partition, offset and key, and counts in the process-wide tally per topic
 * that the admin server exposes as {@code strait_bus_poison_records_total{topic}} (the same process-wide view as
 * {@link PollLoop#lags()}: readers come and go with roles, the metric stays).
 */
public final class PoisonRecords {
    private static final Logger LOG = LoggerFactory.getLogger(PoisonRecords.class);
    private static final Map<String, LongAdder> SKIPPED = new ConcurrentHashMap<>();

    private PoisonRecords() {
    }

    /** Logs and counts a record that {@code reader} skipped because of {@code why}. */
    public static void skipped(String reader, ConsumerRecord<String, byte[]> record, Throwable why) {
        SKIPPED.computeIfAbsent(record.topic(), t -> new LongAdder()).increment();
        LOG.error("{}: skipped an unreadable record on {} partition {} offset {} (key {}): {}; the rest of the topic is read "
                        + "as usual — find what wrote it (a newer or foreign producer?)", reader, record.topic(), record.partition(),
                record.offset(), record.key(), reason(why));
    }

    /** Logs and counts a value read without its position (a compacted topic read as a snapshot, by key). */
    public static void skipped(String reader, String topic, String key, Throwable why) {
        SKIPPED.computeIfAbsent(topic, t -> new LongAdder()).increment();
        LOG.error("{}: skipped an unreadable record on {} (key {}): {}", reader, topic, key, reason(why));
    }

    /** Per topic, how many records this process skipped since it started. */
    public static Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        SKIPPED.forEach((topic, n) -> out.put(topic, n.sum()));
        return out;
    }

    /**
     * Refuses an envelope whose version this Strait cannot read: a newer Strait changed its meaning (a version it only
     * added fields to keeps its number, and is read — unknown fields are ignored).
     */
    public static void requireVersion(int version, int supported, String what) {
        if (version != supported) {
            throw new IllegalArgumentException(what + " has envelope version " + version + "; this Strait reads version "
                    + supported + " (upgrade this role to read what a newer Strait wrote)");
        }
    }

    private static String reason(Throwable why) {
        Throwable root = why;
        while (root.getCause() != null && root.getCause() != root && root.getMessage() == null) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        // Jackson quotes the whole input in its messages: one line, bounded
        message = message.replace('\n', ' ').replace('\r', ' ');
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }
}
