package io.strait.ingest.revision;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.model.istio.Origin;
import io.strait.model.istio.ResourceKey;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a revision changes relative to what the source last published: upserts and deletes. A resource whose
 * content and location are unchanged is not rewritten, so an edit to one file costs one record.
 *
 * @param upserts resources to write (the value to publish)
 * @param deletes keys to tombstone
 * @param live    the {@link #comparable} form of every resource of the revision: the baseline for the next diff
 *                once this one is published (computed once, here)
 */
public record RevisionDiff(SortedMap<ResourceKey, byte[]> upserts, SortedSet<ResourceKey> deletes,
                           Map<ResourceKey, byte[]> live) {

    public boolean isEmpty() {
        return upserts.isEmpty() && deletes.isEmpty();
    }

    public int size() {
        return upserts.size() + deletes.size();
    }

    /**
     * @param published key to {@link #comparable} form of what is live on the bus for this source
     * @param next      the revision to publish
     */
    public static RevisionDiff between(Map<ResourceKey, byte[]> published, Revision next) {
        SortedMap<ResourceKey, byte[]> upserts = new TreeMap<>();
        Map<ResourceKey, byte[]> live = new TreeMap<>();
        next.resources().forEach((key, entry) -> {
            byte[] before = published.get(key);
            byte[] now = comparable(entry);
            live.put(key, now);
            if (before == null || !Arrays.equals(before, now)) {
                upserts.put(key, ConfigCodec.encode(entry.resource(), entry.origin()));
            }
        });
        SortedSet<ResourceKey> deletes = new TreeSet<>();
        for (ResourceKey key : published.keySet()) {
            if (!next.resources().containsKey(key)) {
                deletes.add(key);
            }
        }
        return new RevisionDiff(upserts, deletes, live);
    }

    /** The encoding without the revision id, so that an unchanged resource compares equal across revisions. */
    public static byte[] comparable(ConfigCodec.Entry entry) {
        Origin o = entry.origin();
        return ConfigCodec.encode(entry.resource(), new Origin(o.source(), null, o.file(), o.line()));
    }

    /** The comparable forms of a revision's resources: what is live once it is published. */
    public static Map<ResourceKey, byte[]> comparableOf(Revision revision) {
        Map<ResourceKey, byte[]> out = new TreeMap<>();
        revision.resources().forEach((k, e) -> out.put(k, comparable(e)));
        return out;
    }

}
