package io.strait.bus.envelope;

import java.util.Map;

/**
 * The value of {@code strait.proxy-status.v1}: what a front sent a proxy and what the proxy said back.
 *
 * @param proxyId   node id
 * @param scope     scope id
 * @param front     the front holding the stream
 * @param revisions the config revisions (per source) the proxy has applied: every type ACKed on them
 * @param types     per xDS type short name (CDS, EDS, LDS, RDS)
 * @param updatedAt epoch millis
 */
public record ProxyStatus(int v, String proxyId, String scope, String front, Map<String, String> revisions,
                          Map<String, TypeStatus> types, long updatedAt) {
    // the bus mapper omits empty collections, so a record read back may carry nulls
    public ProxyStatus {
        revisions = revisions == null ? Map.of() : revisions;
        types = types == null ? Map.of() : types;
    }

    /**
     * One xDS type's exchange: the version sent, the last ACKed one and the last NACK's error, and the config
     * revisions that the sent version reflects (with when the newest of them was published).
     */
    public record TypeStatus(String sent, String acked, String nackError, long sentAt, long ackedAt,
                             Map<String, String> revisions, long revisionAt) {
        public TypeStatus {
            revisions = revisions == null ? Map.of() : revisions;
        }


        /** SYNCED when the proxy ACKed what it was sent, NACK when it refused it, STALE while it has not answered. */
        public String state() {
            if (nackError != null && !nackError.isEmpty()) {
                return "NACK";
            }
            return sent != null && sent.equals(acked) ? "SYNCED" : "STALE";
        }
    }
}
