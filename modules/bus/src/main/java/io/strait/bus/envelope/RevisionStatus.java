package io.strait.bus.envelope;

import io.strait.model.finding.Finding;
import java.util.List;

/**
 * The value of {@code strait.revisions.v1} for one source: what is live and what was last turned away.
 *
 * @param v            envelope version
 * @param source       the config source
 * @param live         the last accepted revision, or null before the first
 * @param lastRejected the last rejected revision, or null if none was rejected since start
 */
public record RevisionStatus(int v, String source, Accepted live, Rejected lastRejected) {

    /** The id of the live revision, or null before the first was accepted. */
    public String liveRevision() {
        return live == null ? null : live.revision();
    }

    /** An accepted revision, the non-blocking findings published with it, and its git commit (null if not git). */
    public record Accepted(String revision, int resources, int changes, long acceptedAt, List<Finding> warnings, CommitInfo commit) {
        public Accepted {
            warnings = warnings == null ? List.of() : warnings;
        }

        public Accepted(String revision, int resources, int changes, long acceptedAt, List<Finding> warnings) {
            this(revision, resources, changes, acceptedAt, warnings, null);
        }
    }

    /** A rejected revision, every error that made it so, and its git commit (null if not git). */
    public record Rejected(String revision, long rejectedAt, List<Finding> findings, CommitInfo commit) {
        public Rejected {
            findings = findings == null ? List.of() : findings;
        }

        public Rejected(String revision, long rejectedAt, List<Finding> findings) {
            this(revision, rejectedAt, findings, null);
        }
    }
}
