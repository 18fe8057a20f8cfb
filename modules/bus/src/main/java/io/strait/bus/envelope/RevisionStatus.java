package io.strait.bus.envelope;

import io.strait.model.finding.Finding;
import java.util.ArrayList;
import java.util.List;

/**
 * The value of {@code strait.revisions.v1} for one source: what is live, what was last turned away, and the last
 * {@value #HISTORY} revisions it decided on, newest first.
 *
 * <p>The history lives in the value rather than being rebuilt from the topic's older records because the topic is
 * compacted by source: the cleaner keeps only the latest value per source, so only what that value carries survives.
 * Writers build the next value with {@link #accept} and {@link #reject}, which keep the history bounded.
 *
 * @param v            envelope version
 * @param source       the config source
 * @param live         the last accepted revision, or null before the first
 * @param lastRejected the last rejected revision, or null if none was rejected since start
 * @param history      the latest decisions, newest first, at most {@value #HISTORY}; empty from writers that keep none
 */
public record RevisionStatus(int v, String source, Accepted live, Rejected lastRejected, List<Decision> history) {
    /** How many decisions a status keeps: enough for {@code status --revisions}, small enough for one Kafka record. */
    public static final int HISTORY = 10;
    /** Findings kept per past decision; the full list of the last rejection stays in {@link #lastRejected}. */
    public static final int FINDINGS_PER_DECISION = 20;

    public RevisionStatus {
        // the bus mapper omits empty collections, so a record read back may carry a null
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** A status without history (as writers before the history wrote it). */
    public RevisionStatus(int v, String source, Accepted live, Rejected lastRejected) {
        this(v, source, live, lastRejected, List.of());
    }

    /** The status of a source that has decided nothing yet. */
    public static RevisionStatus none(String source) {
        return new RevisionStatus(1, source, null, null, List.of());
    }

    /** The id of the live revision, or null before the first was accepted. */
    public String liveRevision() {
        return live == null ? null : live.revision();
    }

    /** The next status after {@code accepted} went live: the last rejection stays, the history gains it. */
    public RevisionStatus accept(Accepted accepted) {
        return new RevisionStatus(v, source, accepted, lastRejected, push(new Decision(accepted, null)));
    }

    /** The next status after {@code rejected} was turned away: the live revision stays, the history gains it. */
    public RevisionStatus reject(Rejected rejected) {
        return new RevisionStatus(v, source, live, rejected, push(new Decision(null, rejected)));
    }

    /**
     * Every decision this status knows, newest first: the history, and the live and last rejected revisions when a
     * writer that keeps no history left them out of it.
     */
    public List<Decision> decisions() {
        List<Decision> all = new ArrayList<>(history);
        if (live != null && all.stream().noneMatch(d -> d.accepted() != null && d.revision().equals(live.revision()))) {
            all.add(new Decision(live, null));
        }
        if (lastRejected != null && all.stream().noneMatch(d -> d.rejected() != null && d.revision().equals(lastRejected.revision()))) {
            all.add(new Decision(null, lastRejected));
        }
        all.sort(java.util.Comparator.comparingLong(Decision::at).reversed());
        return all;
    }

    private List<Decision> push(Decision d) {
        List<Decision> next = new ArrayList<>(HISTORY);
        next.add(d.trimmed());
        for (Decision old : history) {
            // the same revision decided again (a re-read of the same folder content) replaces its older entry
            if (next.size() < HISTORY && !old.revision().equals(d.revision())) {
                next.add(old);
            }
        }
        return next;
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

    /** One decision of the history: exactly one of {@code accepted} and {@code rejected} is set. */
    public record Decision(Accepted accepted, Rejected rejected) {
        public Decision {
            if ((accepted == null) == (rejected == null)) {
                throw new IllegalArgumentException("a decision is either an acceptance or a rejection");
            }
        }

        public String revision() {
            return accepted != null ? accepted.revision() : rejected.revision();
        }

        /** When it was decided (epoch millis). */
        public long at() {
            return accepted != null ? accepted.acceptedAt() : rejected.rejectedAt();
        }

        /** The git commit, or null for a source that is not git. */
        public CommitInfo commit() {
            return accepted != null ? accepted.commit() : rejected.commit();
        }

        /** Errors of a rejection, warnings of an acceptance. */
        public List<Finding> findings() {
            return accepted != null ? accepted.warnings() : rejected.findings();
        }

        Decision trimmed() {
            if (findings().size() <= FINDINGS_PER_DECISION) {
                return this;
            }
            List<Finding> kept = findings().subList(0, FINDINGS_PER_DECISION);
            return accepted != null
                    ? new Decision(new Accepted(accepted.revision(), accepted.resources(), accepted.changes(), accepted.acceptedAt(), kept, accepted.commit()), null)
                    : new Decision(null, new Rejected(rejected.revision(), rejected.rejectedAt(), kept, rejected.commit()));
        }
    }
}
