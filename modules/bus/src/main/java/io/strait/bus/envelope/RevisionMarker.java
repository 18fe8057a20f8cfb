package io.strait.bus.envelope;

/**
 * The record that closes a revision in {@code strait.config.v1}, keyed {@code revision/<source>}. A reader
 * applies the changes it buffered since the previous marker only when it reads this one, so it never sees half
 * a revision even if it reads mid-way.
 *
 * @param source      the config source (e.g. {@code folder:config-sources})
 * @param revision    the revision id: a git SHA, or the content hash for a folder
 * @param resources   how many resources the source has at this revision
 * @param contentHash hash of the whole normalized content
 * @param changes     how many records (upserts and tombstones) this revision wrote
 * @param publishedAt epoch millis when ingest published it
 * @param commit      the git commit this revision is, or null for a source that is not git
 */
public record RevisionMarker(String source, String revision, int resources, String contentHash, int changes,
                             long publishedAt, CommitInfo commit) {
    public static final String KEY_PREFIX = "revision/";

    /** A marker of a revision that is not a git commit. */
    public RevisionMarker(String source, String revision, int resources, String contentHash, int changes, long publishedAt) {
        this(source, revision, resources, contentHash, changes, publishedAt, null);
    }

    public String key() {
        return KEY_PREFIX + source;
    }
}
