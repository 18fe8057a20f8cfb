package io.strait.xds;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each delta client holds, per type: resource name to version. Seeded from the {@code initial_resource_versions}
 * a client sends when it (re)connects — java-control-plane does not read them — and updated by every delta response
 * sent, so a proxy that reconnects to any front is sent only what it does not have (versions are content hashes,
 * the same on every front).
 */
final class DeltaVersions {
    /** Node id → type URL → resource name → version; by node first, so a node is forgotten at once. */
    private final Map<String, Map<String, Map<String, String>>> byNodeAndType = new ConcurrentHashMap<>();

    Map<String, String> of(String nodeId, String typeUrl) {
        return byNodeAndType.computeIfAbsent(nodeId, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(typeUrl, k -> new ConcurrentHashMap<>());
    }

    /** A snapshot of what the client holds. */
    Map<String, String> held(String nodeId, String typeUrl) {
        return new HashMap<>(of(nodeId, typeUrl));
    }

    void forget(String nodeId) {
        byNodeAndType.remove(nodeId);
    }
}
