package io.strait.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.bus.envelope.ConfigCodec;
import io.strait.bus.envelope.RevisionMarker;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.topic.Topics;
import io.strait.model.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The revisions one source committed to {@code strait.config.v1}, as a read_committed reader sees them from the
 * start of the log: one entry per revision marker, in log order, with the {@code v2} weight of the reviews
 * VirtualService that the marker's transaction carried (null when the transaction changed no VirtualService — a
 * marker written again without its changes). A revision published twice shows as two entries, a lost one as a gap.
 */
final class RevisionLog {
    /** One marker and what its transaction carried. */
    record Committed(String revision, Integer v2Weight, int changes) {
    }

    private RevisionLog() {
    }

    static List<Committed> read(BusConfig bus, String source) {
        TopicPartition partition = new TopicPartition(Topics.CONFIG, 0);
        List<Committed> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(bus.consumer("revision-log", null))) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
            Integer pending = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumer.position(partition) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading " + Topics.CONFIG);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (ConfigCodec.isMarkerKey(r.key())) {
                        RevisionMarker m = ConfigCodec.decodeMarker(r.value());
                        if (m.source().equals(source)) {
                            out.add(new Committed(m.revision(), pending, m.changes()));
                            pending = null;
                        }
                    } else if (r.key().startsWith("VirtualService/bookinfo/reviews@" + source) && r.value() != null) {
                        pending = v2Weight(r.value());
                    }
                }
            }
        }
        return out;
    }

    /** The v2 weight of a reviews VirtualService config record (-1 when it routes none to v2). */
    static Integer v2Weight(byte[] value) {
        try {
            JsonNode root = Json.MAPPER.readTree(value);
            for (JsonNode http : root.path("spec").path("http")) {
                for (JsonNode route : http.path("route")) {
                    if (route.path("destination").path("subset").asText().equals("v2") && route.has("weight")) {
                        return route.path("weight").asInt();
                    }
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
