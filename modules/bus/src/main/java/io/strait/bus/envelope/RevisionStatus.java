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

    /** An accepted revision and the non-blocking findings published with it. */
    public record Accepted(String revision, int resources, int changes, long acceptedAt, List<Finding> warnings) {
        public Accepted {
            warnings = warnings == null ? List.of() : warnings;
        }
    }

    /** A rejected revision and every error that made it so. */
    public record Rejected(String revision, long rejectedAt, List<Finding> findings) {
        public Rejected {
            findings = findings == null ? List.of() : findings;
        }
    }
}
