package io.strait.cli.status;

import io.strait.bus.envelope.ProxyRegistration;
import io.strait.bus.envelope.ProxyStatus;
import io.strait.bus.envelope.RevisionStatus;
import java.util.List;
import java.util.Map;

/**
 * What {@code strait status} shows: each connected proxy with its per-type sync state, and each source's live
 * and last rejected revision. Read from the bus; served as JSON by the admin port.
 *
 * @param proxies connected proxies, by node id
 * @param sources config sources, by name
 */
public record MeshStatus(List<Proxy> proxies, List<RevisionStatus> sources) {
    public MeshStatus {
        proxies = proxies == null ? List.of() : proxies;
        sources = sources == null ? List.of() : sources;
    }

    /** One connected proxy as its front last reported it. */
    public record Proxy(ProxyRegistration registration, ProxyStatus status) {
        /** Per xDS type: SYNCED, STALE or NACK; an empty map before the first response. */
        public Map<String, ProxyStatus.TypeStatus> types() {
            return status == null ? Map.of() : status.types();
        }
    }
}
