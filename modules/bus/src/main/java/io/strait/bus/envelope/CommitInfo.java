package io.strait.bus.envelope;

/**
 * The git commit a revision is, carried with its marker and status so that status, {@code wait}, the admin API and
 * notifications can speak in commits. Null on revisions of sources that are not git (a folder, the apply API).
 *
 * @param sha          the full commit id (a revision of a git source has this as its id)
 * @param subject      the first line of the commit message
 * @param author       {@code Name <email>} of the commit's author
 * @param committedAt  epoch millis of the commit (committer time)
 * @param receivedAt   epoch millis when ingest learned of it (webhook or poll), the start of "time to the last ACK"
 */
public record CommitInfo(String sha, String subject, String author, long committedAt, long receivedAt) {
    /** The id as users see it: 12 hex digits. */
    public String shortSha() {
        return sha == null || sha.length() <= 12 ? sha : sha.substring(0, 12);
    }
}
