package io.strait.xds;

import io.strait.bus.envelope.EndpointAssignment;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.kafka.PoisonRecords;
import io.strait.bus.topic.Topics;
import io.strait.model.json.Json;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * What a front does with one batch of the xDS topics: resources first (so a manifest in the same batch can be applied
 * at once), then assignments served by name, then manifests, then one flush. A record that cannot be read — garbage,
 * an unknown envelope version, a truncated resource — is skipped by itself ({@link PoisonRecords}): the other
 * records of the batch, and so every other scope, are applied as usual. A tombstone (the translators' janitor deletes
 * what no manifest has named for its retention) forgets the resource or assignment unless a manifest still names it.
 */
final class FrontRecords {
    /** The envelope version of manifests and assignments this front reads. */
    static final int VERSION = 1;

    private FrontRecords() {
    }

    static void apply(String reader, ConsumerRecords<String, byte[]> records, ScopeSnapshots snapshots) {
        for (ConsumerRecord<String, byte[]> r : records.records(Topics.XDS_RESOURCES)) {
            if (r.value() == null) {
                snapshots.resourceGone(r.key());
            } else {
                try {
                    requireContentHash(r.key(), r.value());
                    snapshots.resource(r.key(), r.value());
                } catch (RuntimeException e) {
                    PoisonRecords.skipped(reader, r, e);
                }
            }
        }
        for (ConsumerRecord<String, byte[]> r : records.records(Topics.XDS_ENDPOINTS)) {
            if (r.value() == null) {
                snapshots.assignmentGone(r.key());
            } else {
                try {
                    EndpointAssignment a = Json.read(r.value(), EndpointAssignment.class);
                    PoisonRecords.requireVersion(a.v(), VERSION, "endpoint assignment " + r.key());
                    snapshots.assignment(a);
                } catch (RuntimeException e) {
                    PoisonRecords.skipped(reader, r, e);
                }
            }
        }
        for (ConsumerRecord<String, byte[]> r : records.records(Topics.XDS_SCOPES)) {
            if (r.value() != null) {
                try {
                    ScopeManifest m = Json.read(r.value(), ScopeManifest.class);
                    PoisonRecords.requireVersion(m.v(), VERSION, "scope manifest " + r.key());
                    if (m.scope() == null || m.resources() == null) {
                        throw new IllegalArgumentException("scope manifest " + r.key() + " has no scope or no resources");
                    }
                    snapshots.manifest(m);
                } catch (RuntimeException e) {
                    PoisonRecords.skipped(reader, r, e);
                }
            }
        }
        snapshots.flush();
    }

    /**
     * A resource is keyed by the hash of its bytes: one whose bytes do not hash to its key was truncated or altered on
     * the way, and serving it would hand proxies a config no translator made (bundles are keyed by their own hash).
     */
    private static void requireContentHash(String key, byte[] value) {
        if (io.strait.bus.envelope.ResourceBundle.isBundle(value) || value.length == 0) {
            return;
        }
        String actual = io.strait.bus.wire.ContentHash.of(java.util.Arrays.copyOfRange(value, 1, value.length));
        if (!actual.equals(key)) {
            throw new IllegalArgumentException("resource bytes hash to " + actual + ", not to their key: truncated or altered");
        }
    }
}
