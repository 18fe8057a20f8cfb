package io.strait.cli.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strait.bus.envelope.ConfigCodec;
import io.strait.bus.envelope.RevisionMarker;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.TopicSnapshot;
import io.strait.bus.topic.Topics;
import io.strait.model.istio.Kind;
import io.strait.model.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live config of every source, read from the compacted {@code strait.config.v1} (the current resources) and
 * {@code strait.revisions.v1} (when each revision went live), as {@code strait status} reads the status topics.
 */
public final class LiveConfig {
    private LiveConfig() {
    }

    /**
     * @param kind      only this kind
     * @param namespace only this namespace, or null for all
     * @param name      only this name, or null for all
     */
    public static List<LiveResource> read(BusConfig bus, Duration timeout, Kind kind, String namespace, String name) {
        return select(TopicSnapshot.read(bus, Topics.CONFIG, timeout), TopicSnapshot.read(bus, Topics.REVISIONS, timeout),
                kind, namespace, name);
    }

    /** The resources of the topic snapshots that match, ordered by namespace and name. */
    public static List<LiveResource> select(Map<String, byte[]> config, Map<String, byte[]> revisions, Kind kind,
                                            String namespace, String name) {
        Map<String, Long> liveAt = new HashMap<>();
        revisions.values().forEach(v -> {
            RevisionStatus s = Json.read(v, RevisionStatus.class);
            s.decisions().stream().filter(d -> d.accepted() != null)
                    .forEach(d -> liveAt.putIfAbsent(s.source() + "@" + d.revision(), d.at()));
        });
        config.forEach((key, value) -> {
            if (ConfigCodec.isMarkerKey(key)) {
                RevisionMarker m = ConfigCodec.decodeMarker(value);
                liveAt.putIfAbsent(m.source() + "@" + m.revision(), m.publishedAt());
            }
        });
        List<LiveResource> out = new ArrayList<>();
        config.forEach((key, value) -> {
            if (ConfigCodec.isMarkerKey(key) || !key.startsWith(kind.kindName() + "/")) {
                return; // the key is Kind/namespace/name: only records of the kind asked for are decoded
            }
            ConfigCodec.Entry e = ConfigCodec.decode(value);
            var k = e.resource().key();
            if ((namespace != null && !namespace.equals(k.namespace())) || (name != null && !name.equals(k.name()))) {
                return;
            }
            var o = e.origin();
            out.add(new LiveResource(k.kind(), k.namespace(), k.name(), o.source(), o.revision(), o.file(), o.line(),
                    liveAt.getOrDefault(o.source() + "@" + o.revision(), 0L), document(e)));
        });
        out.sort(Comparator.comparing(LiveResource::namespace).thenComparing(LiveResource::name));
        return out;
    }

    private static ObjectNode document(ConfigCodec.Entry e) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("apiVersion", e.resource().apiVersion());
        doc.put("kind", e.resource().kind().kindName());
        doc.set("metadata", Json.MAPPER.valueToTree(e.resource().metadata()));
        doc.set("spec", Json.MAPPER.valueToTree(e.resource().spec()));
        return doc;
    }
}
