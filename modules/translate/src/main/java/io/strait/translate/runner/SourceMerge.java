package io.strait.translate.runner;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.bus.envelope.ConfigKey;
import io.strait.bus.envelope.RevisionMarker;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.Origin;
import io.strait.model.istio.ResourceKey;
import io.strait.model.mesh.MeshModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The config of several sources merged into one model, from the records of {@code strait.config.v1} in log order.
 * Pure: it is fed records and answers the model, so the rules below are tested without Kafka.
 *
 * <p>Each source's records are buffered apart and applied only at that source's own marker: two sources'
 * transactions may interleave in the log (each is atomic, not contiguous), and one source's marker must not make
 * part of another's revision live.
 *
 * <p>Conflict rule: when two sources define the same {@code Kind/namespace/name}, the source that made it live
 * first keeps it and the other copies are ignored (a {@link Conflict} is reported when that starts); a source
 * deleting or changing its own copy never touches another's. When the owner deletes its copy, the next source in
 * the order they defined it takes over. Istio treats the same object in two config sources as a conflict, and
 * resolves conflicts in favour of the oldest; "first live" is that rule for a log. It is deterministic for every
 * reader of the same log.
 */
final class SourceMerge {

    /**
     * A source's copy of a resource ignored because another source defined it first.
     *
     * @param key     the contested resource
     * @param kept    the source whose copy is live
     * @param ignored the source whose copy is not
     * @param at      where the ignored copy comes from (file and line in its source)
     */
    record Conflict(ResourceKey key, String kept, String ignored, Origin at) {
        @Override
        public String toString() {
            return key + " from " + ignored + " (" + at.file() + ":" + at.line() + ") is ignored: " + kept + " defined it first";
        }
    }

    /** One source's copy of a resource. */
    private record Copy(IstioResource resource, Origin origin) {
    }

    /** Per source, the changes read since its last marker (null value: a delete). */
    private final Map<String, Map<ResourceKey, Copy>> pending = new HashMap<>();
    /** Per resource, every source's live copy in the order they made it live: the first is the effective one. */
    private final Map<ResourceKey, LinkedHashMap<String, Copy>> copies = new TreeMap<>();
    /** What changed in the effective model since the last {@link #drainChanges}, per key (first before, last after). */
    private final Map<ResourceKey, ConfigChange> changes = new HashMap<>();
    private final List<Conflict> newConflicts = new ArrayList<>();
    private final Map<String, String> revisions = new TreeMap<>();
    private long publishedAt;

    /**
     * Reads one record of the config topic.
     *
     * @return whether it closed a revision (the model may have moved)
     * @throws IllegalArgumentException or {@link java.io.UncheckedIOException} for a record it cannot read
     */
    boolean accept(String key, byte[] value) {
        if (ConfigCodec.isMarkerKey(key)) {
            if (value == null) {
                return false;
            }
            RevisionMarker marker = ConfigCodec.decodeMarker(value);
            Map<ResourceKey, Copy> buffered = pending.remove(marker.source());
            if (buffered != null) {
                buffered.forEach((resource, copy) -> apply(marker.source(), resource, copy));
            }
            revisions.put(marker.source(), marker.revision());
            publishedAt = Math.max(publishedAt, marker.publishedAt());
            return true;
        }
        ConfigKey configKey = ConfigKey.parse(key);
        Copy copy = null;
        if (value != null) {
            ConfigCodec.Entry entry = ConfigCodec.decode(value);
            copy = new Copy(entry.resource(), entry.origin());
        }
        pending.computeIfAbsent(configKey.source(), s -> new HashMap<>()).put(configKey.resource(), copy);
        return false;
    }

    private void apply(String source, ResourceKey key, Copy copy) {
        LinkedHashMap<String, Copy> byKey = copies.get(key);
        IstioResource before = effective(byKey);
        if (copy == null) {
            if (byKey != null) {
                byKey.remove(source);
                if (byKey.isEmpty()) {
                    copies.remove(key);
                }
            }
        } else {
            if (byKey == null) {
                byKey = new LinkedHashMap<>();
                copies.put(key, byKey);
            }
            boolean arrives = !byKey.containsKey(source);
            // put on an existing key keeps its place: a source updating its copy keeps its rank
            byKey.put(source, copy);
            String owner = byKey.keySet().iterator().next();
            if (arrives && !owner.equals(source)) {
                newConflicts.add(new Conflict(key, owner, source, copy.origin()));
            }
        }
        IstioResource after = effective(copies.get(key));
        if (before != after) {
            ConfigChange earlier = changes.get(key);
            changes.put(key, new ConfigChange(earlier != null ? earlier.before() : before, after));
        }
    }

    private static IstioResource effective(LinkedHashMap<String, Copy> byKey) {
        if (byKey == null || byKey.isEmpty()) {
            return null;
        }
        Iterator<Copy> it = byKey.values().iterator();
        return it.next().resource();
    }

    /** The merged model: each resource's effective copy. */
    MeshModel model() {
        List<IstioResource> out = new ArrayList<>(copies.size());
        copies.values().forEach(byKey -> out.add(effective(byKey)));
        return MeshModel.of(out);
    }

    /** The live revision of each source. */
    Map<String, String> revisions() {
        return Map.copyOf(revisions);
    }

    /** When the newest revision applied was published (epoch millis). */
    long publishedAt() {
        return publishedAt;
    }

    /** The source whose copy of {@code key} is live, or null when none has it. */
    String owner(ResourceKey key) {
        LinkedHashMap<String, Copy> byKey = copies.get(key);
        return byKey == null || byKey.isEmpty() ? null : byKey.keySet().iterator().next();
    }

    /** Every resource more than one source defines, with the sources in rank order (the first is live). */
    Map<ResourceKey, List<String>> contested() {
        Map<ResourceKey, List<String>> out = new TreeMap<>();
        copies.forEach((key, byKey) -> {
            if (byKey.size() > 1) {
                out.put(key, List.copyOf(byKey.keySet()));
            }
        });
        return out;
    }

    /** The changes to the effective model since the last call (those that changed nothing are left out). */
    List<ConfigChange> drainChanges() {
        List<ConfigChange> out = new ArrayList<>();
        changes.values().forEach(c -> {
            if (c.before() != c.after()) {
                out.add(c);
            }
        });
        changes.clear();
        return out;
    }

    /** The conflicts that started since the last call. */
    List<Conflict> drainConflicts() {
        List<Conflict> out = List.copyOf(newConflicts);
        newConflicts.clear();
        return out;
    }
}
