package io.strait.ingest.kubernetes;

import io.strait.bus.envelope.ClusterService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What one cluster's source has on {@code strait.endpoints.v1}, and what to write to bring it to a newly built
 * registry: only the records whose content changed (the time a record was observed is not content), and a
 * tombstone for each published Service that is gone. Read back from the topic at start, so a restart publishes
 * nothing that is already there and tombstones what was deleted while the source was down. Pure; one thread.
 */
public final class PublishedEndpoints {
    private final Map<String, ClusterService> published = new HashMap<>();

    /** Starts from what the topic holds for this cluster (record key to record). */
    public PublishedEndpoints(Map<String, ClusterService> onTopic) {
        published.putAll(onTopic);
    }

    /**
     * The writes that take the published records of the Services {@code scope} selects (by {@code namespace/name})
     * to {@code built}.
     */
    public List<Write> changes(Map<String, ClusterService> built, Predicate<String> scope) {
        List<Write> out = new ArrayList<>();
        built.forEach((key, record) -> {
            ClusterService before = published.get(key);
            if (before == null || !sameContent(before, record)) {
                out.add(new Write(key, record));
            }
        });
        published.forEach((key, record) -> {
            if (!built.containsKey(key) && scope.test(ClusterSnapshot.key(record.namespace(), record.name()))) {
                out.add(new Write(key, null));
            }
        });
        return out;
    }

    /** Records writes the bus acknowledged. */
    public void applied(List<Write> writes) {
        for (Write w : writes) {
            if (w.record() == null) {
                published.remove(w.key());
            } else {
                published.put(w.key(), w.record());
            }
        }
    }

    public int services() {
        return published.size();
    }

    public int endpoints() {
        return published.values().stream().mapToInt(s -> s.endpoints().size()).sum();
    }

    static boolean sameContent(ClusterService a, ClusterService b) {
        return a.equals(withObservedAt(b, a.observedAt()));
    }

    private static ClusterService withObservedAt(ClusterService s, long at) {
        return new ClusterService(s.v(), s.cluster(), s.network(), s.namespace(), s.name(), s.hostname(), s.labels(),
                s.addresses(), s.ports(), s.endpoints(), at, s.externalAddresses());
    }

    /**
     * One record to write.
     *
     * @param key    {@code cluster/namespace/name}
     * @param record the new record, or null for a tombstone
     */
    public record Write(String key, ClusterService record) {
    }
}
