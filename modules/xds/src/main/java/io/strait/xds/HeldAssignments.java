package io.strait.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.strait.bus.envelope.EndpointAssignment;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.wire.ResourceCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The endpoint assignments a front holds from {@code strait.xds.endpoints.v1}, one per cluster served by name, and
 * which scopes' live manifests name each cluster, so that a new assignment re-serves exactly those scopes. Scopes are
 * indexed by the list of clusters they name, not one by one: where every proxy sees every service, hundreds of scopes
 * name the same 3,000 clusters, and a cluster-to-scopes index would cost each scope an entry per cluster (100 KB a
 * scope); grouped, it costs the group's clusters once and each scope one entry. Not thread-safe: the poll thread's.
 */
final class HeldAssignments {
    /** One assignment, decoded once, as served. */
    record Assignment(String hash, Any any, Map<String, String> revisions, long revisionAt) {
    }

    /**
     * A list of clusters as served: each with the hash of its assignment now, and the newest of those assignments.
     *
     * @param entries in the list's order
     * @param newest  the first of the assignments with the latest revision, or null for no cluster
     */
    record Served(List<ScopeManifest.NamedHash> entries, Assignment newest) {
    }

    /** Scopes whose live manifests name the same clusters, in the same order, and what those are served as. */
    private static final class Group {
        final List<String> clusters;
        final Set<String> scopes = new HashSet<>();
        /** Built when first asked for since one of its assignments changed: every scope of the group shares it. */
        Served served;

        Group(List<String> clusters) {
            this.clusters = clusters;
        }
    }

    private final Map<String, Assignment> byCluster = new HashMap<>();
    private final Map<List<String>, Group> groups = new HashMap<>();
    private final Map<String, List<Group>> groupsByCluster = new HashMap<>();

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
        changed(record.cluster());
        return true;
    }

    private void changed(String cluster) {
        for (Group g : groupsByCluster.getOrDefault(cluster, List.of())) {
            g.served = null;
        }
    }

    /**
     * {@code clusters} (every one held) as served now. Shared by every scope whose live manifest names the same list,
     * so hundreds of scopes naming the same 3,000 clusters hold one list of their hashes, not one each.
     */
    Served served(List<String> clusters) {
        Group g = groups.get(clusters);
        if (g == null) {
            return build(clusters);
        }
        if (g.served == null) {
            g.served = build(g.clusters);
        }
        return g.served;
    }

    private Served build(List<String> clusters) {
        List<ScopeManifest.NamedHash> entries = new ArrayList<>(clusters.size());
        Assignment newest = null;
        for (String cluster : clusters) {
            Assignment a = byCluster.get(cluster);
            entries.add(new ScopeManifest.NamedHash(cluster, a.hash()));
            if (newest == null || a.revisionAt() > newest.revisionAt()) {
                newest = a;
            }
        }
        return new Served(java.util.Collections.unmodifiableList(entries), newest);
    }

    Assignment get(String cluster) {
        return byCluster.get(cluster);
    }

    boolean has(String cluster) {
        return byCluster.containsKey(cluster);
    }

    /** The scopes whose live manifest names {@code cluster}. */
    Set<String> scopesNaming(String cluster) {
        List<Group> naming = groupsByCluster.getOrDefault(cluster, List.of());
        if (naming.size() == 1) {
            return Set.copyOf(naming.get(0).scopes);
        }
        Set<String> scopes = new HashSet<>();
        naming.forEach(g -> scopes.addAll(g.scopes));
        return scopes;
    }

    /** A scope's live manifest moved from {@code before} (or none) to {@code after}. */
    void live(String scope, ScopeManifest before, ScopeManifest after) {
        if (before != null && !before.endpoints().isEmpty()) {
            Group g = groups.get(before.endpoints());
            if (g != null && g.scopes.remove(scope) && g.scopes.isEmpty()) {
                groups.remove(g.clusters);
                for (String c : new HashSet<>(g.clusters)) {
                    groupsByCluster.computeIfPresent(c, (k, list) -> {
                        list.remove(g);
                        return list.isEmpty() ? null : list;
                    });
                }
            }
        }
        if (!after.endpoints().isEmpty()) {
            Group g = groups.get(after.endpoints());
            if (g == null) {
                g = new Group(List.copyOf(after.endpoints())); // the same instance when it is already immutable
                groups.put(g.clusters, g);
                for (String c : new HashSet<>(g.clusters)) {
                    groupsByCluster.computeIfAbsent(c, k -> new ArrayList<>(1)).add(g);
                }
            }
            g.scopes.add(scope);
        }
    }

    Set<String> clusters() {
        return byCluster.keySet();
    }

    void forget(Set<String> clusters) {
        byCluster.keySet().removeAll(clusters);
        clusters.forEach(this::changed);
    }
}
