package io.strait.ingest.revision;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.model.istio.IstioResource;
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
        return between(published, next, new java.util.IdentityHashMap<>());
    }

    /**
     * As {@link #between(Map, Revision)}, reusing the comparable form of every resource instance {@code memo} holds
     * (a source that re-reads unchanged files gets the same instances back from its parse cache, at the same file
     * and line); afterwards {@code memo} holds this revision's instances only.
     */
    public static RevisionDiff between(Map<ResourceKey, byte[]> published, Revision next,
                                       Map<IstioResource, byte[]> memo) {
        SortedMap<ResourceKey, byte[]> upserts = new TreeMap<>();
        Map<ResourceKey, byte[]> live = new TreeMap<>();
        Map<IstioResource, byte[]> seen = new java.util.IdentityHashMap<>();
        next.resources().forEach((key, entry) -> {
            byte[] before = published.get(key);
            byte[] known = memo.get(entry.resource());
            byte[] now = known != null ? known : comparable(entry);
            seen.put(entry.resource(), now);
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
        memo.clear();
        memo.putAll(seen);
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
