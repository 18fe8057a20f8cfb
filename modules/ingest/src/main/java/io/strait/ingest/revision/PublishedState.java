package io.strait.ingest.revision;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.bus.envelope.ConfigKey;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.TopicSnapshot;
import io.strait.bus.topic.Topics;
import io.strait.model.istio.ResourceKey;
import io.strait.model.json.Json;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one source has live on the bus, read back at start so that ingest keeps no local state: the comparable
 * form of each resource (the diff baseline), the live revision and the last status.
 *
 * @param resources key to comparable bytes ({@link RevisionDiff#comparable})
 * @param status    the source's last status, or null when it never published
 */
public record PublishedState(Map<ResourceKey, byte[]> resources, RevisionStatus status) {

    public static PublishedState read(BusConfig bus, String source, Duration timeout) {
        Map<ResourceKey, byte[]> mine = new TreeMap<>();
        TopicSnapshot.read(bus, Topics.CONFIG, timeout).forEach((key, value) -> {
            if (!ConfigCodec.isMarkerKey(key)) {
                try {
                    ConfigKey configKey = ConfigKey.parse(key);
                    // the key names the source: another source's copy of the same resource is not this one's baseline
                    if (source.equals(configKey.source())) {
                        mine.put(configKey.resource(), RevisionDiff.comparable(ConfigCodec.decode(value)));
                    }
                } catch (RuntimeException e) {
                    // left out of the baseline: if the source still has the resource, the next revision writes it anew
                    io.strait.bus.kafka.PoisonRecords.skipped("ingest", Topics.CONFIG, key, e);
                }
            }
        });
        byte[] status = TopicSnapshot.read(bus, Topics.REVISIONS, timeout).get(source);
        RevisionStatus last = null;
        if (status != null) {
            try {
                last = Json.read(status, RevisionStatus.class);
            } catch (RuntimeException e) {
                // as if the source never published: its next revision is published and its status written anew
                io.strait.bus.kafka.PoisonRecords.skipped("ingest", Topics.REVISIONS, source, e);
            }
        }
        return new PublishedState(mine, last);
    }

}
