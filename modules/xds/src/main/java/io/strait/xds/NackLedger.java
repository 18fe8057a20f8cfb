package io.strait.xds;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which version each response nonce carried, per proxy and type, so that a NACK (which names only the nonce it
 * answers) can be traced to the version the proxy refused. Nonces are counted per stream by java-control-plane,
 * so they are kept per node id and type; only the last few per type are remembered.
 */
final class NackLedger {
    private static final int NONCES_PER_TYPE = 8;

    /** Node id → type URL → the last nonces and their versions; by node first, so a node is forgotten at once. */
    private final Map<String, Map<String, Map<String, String>>> byNodeAndType = new ConcurrentHashMap<>();

    void sent(String nodeId, String typeUrl, String nonce, String version) {
        Map<String, String> nonces = byNodeAndType.computeIfAbsent(nodeId, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(typeUrl, k -> new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > NONCES_PER_TYPE;
            }
        });
        synchronized (nonces) {
            nonces.put(nonce, version);
        }
    }

    /** The version sent with {@code nonce}, or null when unknown (e.g. sent by another front). */
    String versionOf(String nodeId, String typeUrl, String nonce) {
        Map<String, Map<String, String>> types = byNodeAndType.get(nodeId);
        Map<String, String> nonces = types == null ? null : types.get(typeUrl);
        if (nonces == null) {
            return null;
        }
        synchronized (nonces) {
            return nonces.get(nonce);
        }
    }

    void forget(String nodeId) {
        byNodeAndType.remove(nodeId);
    }
}
