package io.strait.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.strait.bus.envelope.EndpointAssignment;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.wire.ResourceCodec;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The endpoint assignments a front holds from {@code strait.xds.endpoints.v1}, one per cluster served by name, and
 * which scopes' live manifests name each cluster, so that a new assignment re-serves exactly those scopes. Not
 * thread-safe: the poll thread's.
 */
final class HeldAssignments {
    /** One assignment, decoded once, as served. */
    record Assignment(String hash, Any any, Map<String, String> revisions, long revisionAt) {
    }

    private final Map<String, Assignment> byCluster = new HashMap<>();
    private final Map<String, Set<String>> scopesByCluster = new HashMap<>();

    /**
     * Takes a new assignment unless it is older than the one held (a translator lagging behind) or has the same content.
     *
     * @return whether it was taken
     */
    boolean offer(EndpointAssignment record) {
        Assignment held = byCluster.get(record.cluster());
        if (held != null && (held.revisionAt() > record.revisionAt() || held.hash().equals(record.hash()))) {
            return false;
        }
        ResourceCodec.decode(record.resource()); // a readable ClusterLoadAssignment, or the record is skipped
        Any any;
        try {
            any = Any.parseFrom(java.nio.ByteBuffer.wrap(record.resource(), 1, record.resource().length - 1));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("unreadable endpoint assignment " + record.cluster() + ": " + e.getMessage(), e);
        }
        byCluster.put(record.cluster(), new Assignment(record.hash(), any, record.revisions(), record.revisionAt()));
        return true;
    }

    Assignment get(String cluster) {
        return byCluster.get(cluster);
    }

    boolean has(String cluster) {
        return byCluster.containsKey(cluster);
    }

    /** The scopes whose live manifest names {@code cluster}. */
    Set<String> scopesNaming(String cluster) {
        return scopesByCluster.getOrDefault(cluster, Set.of());
    }

    /** A scope's live manifest moved from {@code before} (or none) to {@code after}. */
    void live(String scope, ScopeManifest before, ScopeManifest after) {
        if (before != null) {
            before.endpoints().forEach(c -> scopesByCluster.computeIfPresent(c, (k, scopes) -> {
                scopes.remove(scope);
                return scopes.isEmpty() ? null : scopes;
            }));
        }
        after.endpoints().forEach(c -> scopesByCluster.computeIfAbsent(c, k -> new HashSet<>()).add(scope));
    }

    Set<String> clusters() {
        return byCluster.keySet();
    }

    void forget(Set<String> clusters) {
        byCluster.keySet().removeAll(clusters);
    }
}
