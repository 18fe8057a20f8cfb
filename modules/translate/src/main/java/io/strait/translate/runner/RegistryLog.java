package io.strait.translate.runner;

import io.strait.bus.envelope.ClusterService;
import io.strait.model.json.Json;
import io.strait.model.mesh.ServiceRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The records of {@code strait.endpoints.v1} gathered into registry changes. Pure: it is fed records in log order
 * (per partition) and drained into one {@link Step} at a time, so a burst of records — a cluster's relist sends
 * every service at once — becomes one change of the model, with the last record per key.
 *
 * <p>The registry's "revision" is the sum of the next offsets of every partition read: it grows with every record,
 * and every translator that has read the same records gives the same id, so it can stand in the revisions maps of
 * manifests and assignments next to the config sources' revisions ({@value #SOURCE}).
 */
final class RegistryLog {
    /** The name the registry goes by in revisions maps. */
    static final String SOURCE = "registry";

    /**
     * The changes read since the last step.
     *
     * @param changes per key, the service now, or null for a tombstone (deleted from its cluster)
     * @param id      the registry's revision once they are applied
     * @param at      when the newest of them was written (epoch millis, the record timestamp)
     */
    record Step(Map<String, ServiceRegistry.ClusterService> changes, String id, long at) {
    }

    private final Map<String, ServiceRegistry.ClusterService> pending = new HashMap<>();
    private final Map<Integer, Long> nextOffsets = new TreeMap<>();
    private long at;

    /**
     * Reads one record.
     *
     * @throws IllegalArgumentException with a message for the user when the value cannot be read or its key is not
     *                                  the one its content gives (the record is skipped; the offset still counts)
     */
    void accept(int partition, long offset, long timestamp, String key, byte[] value) {
        nextOffsets.merge(partition, offset + 1, Math::max);
        at = Math.max(at, timestamp);
        if (value == null) {
            pending.put(key, null);
            return;
        }
        ClusterService record;
        try {
            record = Json.read(value, ClusterService.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("endpoints record " + key + " is not a ClusterService: " + e.getMessage(), e);
        }
        if (!record.key().equals(key)) {
            throw new IllegalArgumentException("endpoints record " + key + " holds " + record.key()
                    + ": the key must be <cluster>/<namespace>/<service> of its content");
        }
        pending.put(key, toModel(record));
    }

    /** Whether records arrived since the last {@link #drain}. */
    boolean hasChanges() {
        return !pending.isEmpty();
    }

    /** The changes since the last call, as one step. */
    Step drain() {
        Map<String, ServiceRegistry.ClusterService> out = new HashMap<>(pending);
        pending.clear();
        return new Step(out, id(), at);
    }

    /** The registry's revision so far (see the class comment); "0" before any record. */
    String id() {
        return String.valueOf(nextOffsets.values().stream().mapToLong(Long::longValue).sum());
    }

    /** The bus record as the model's value. */
    static ServiceRegistry.ClusterService toModel(ClusterService r) {
        return new ServiceRegistry.ClusterService(r.cluster(), r.network(), r.namespace(), r.name(), r.hostname(),
                r.labels(), r.addresses(),
                r.ports().stream().map(p -> new ServiceRegistry.Port(p.name(), p.number(), p.protocol(), p.targetPort())).toList(),
                r.endpoints().stream().map(e -> new ServiceRegistry.Endpoint(e.address(), e.ports(), e.labels(),
                        e.serviceAccount(), e.locality(), ServiceRegistry.Health.of(e.health()))).toList(),
                r.externalAddresses());
    }
}
