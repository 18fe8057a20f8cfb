package io.strait.cli.status;

import io.strait.bus.envelope.CommitInfo;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.model.finding.Finding;
import java.util.List;
import java.util.Map;

/**
 * One revision as {@code strait status --revisions -o json}, {@code GET /revisions/<id>} and notifications show it:
 * its commit, what ingest decided, and how far it rolled out.
 *
 * @param source         the config source
 * @param revision       the full revision id (a git SHA for a git source)
 * @param id             the id as shown: 12 characters
 * @param commit         the git commit (sha, subject, author, times), or null for a source that is not git
 * @param verdict        accepted or rejected
 * @param state          live, superseded, rejected or pending (see {@link Rollout#state})
 * @param decidedAt      epoch millis of the acceptance or rejection
 * @param findings       the errors of a rejection (file:line), the warnings of an acceptance
 * @param proxies        applied / total / nacked counts
 * @param nacks          proxy id to the error it returned
 * @param stragglers     proxies that have not applied it
 * @param convergeMillis from the push or webhook (a git commit) or the acceptance to the last ACK; -1 when not known
 * @param rollout        its staged rollout ({@code --rollout}), as a person reads it: {@code canary on N scopes until
 *                       HH:MM:SS}, {@code promoted}, {@code halted: <why>} or {@code aborted: <why>}; null without one
 */
public record RevisionReport(String source, String revision, String id, CommitInfo commit, String verdict, String state,
                             long decidedAt, List<Finding> findings, Proxies proxies, Map<String, String> nacks,
                             List<String> stragglers, long convergeMillis, String rollout) {
    public RevisionReport {
        findings = findings == null ? List.of() : findings;
        nacks = nacks == null ? Map.of() : nacks;
        stragglers = stragglers == null ? List.of() : stragglers;
    }

    /** How many proxies applied the revision, of how many, and how many refused it. */
    public record Proxies(int applied, int total, int nacked) {
    }

    /** The id as users see it: the first 12 characters. */
    public static String shortId(String revision) {
        return revision.length() <= 12 ? revision : revision.substring(0, 12);
    }

    /** The report of one decision of {@code src}, its rollout read from {@code status}. */
    static RevisionReport of(MeshStatus status, RevisionStatus src, RevisionStatus.Decision d) {
        Rollout r = Rollout.of(status, src.source(), d.revision());
        List<Finding> findings = d.findings();
        if (d.rejected() != null && src.lastRejected() != null && src.lastRejected().revision().equals(d.revision())) {
            findings = src.lastRejected().findings(); // the history keeps the first few; the last rejection keeps them all
        }
        boolean accepted = d.accepted() != null;
        return new RevisionReport(src.source(), d.revision(), shortId(d.revision()), d.commit(), accepted ? "accepted" : "rejected",
                r.state(), d.at(), findings, new Proxies(accepted ? r.applied().size() : 0, r.affected(), r.nacks().size()),
                r.nacks(), accepted ? r.stragglers() : List.of(), r.convergeMillis(),
                status.rollout(src.source(), d.revision()).map(RevisionReport::rollout).orElse(null));
    }

    static String rollout(io.strait.bus.envelope.RolloutState s) {
        return switch (s.phase()) {
            case io.strait.bus.envelope.RolloutState.CANARY -> "canary on " + s.canaryScopes().size() + " scope"
                    + (s.canaryScopes().size() == 1 ? "" : "s") + " until " + java.time.LocalTime.ofInstant(
                    java.time.Instant.ofEpochMilli(s.waitUntil()), java.time.ZoneId.systemDefault()).withNano(0);
            case io.strait.bus.envelope.RolloutState.PROMOTED -> "promoted";
            default -> s.phase() + ": " + s.reason();
        };
    }

    /** Its staged rollout was halted: the scopes other than the canaries stay on the previous revision. */
    public boolean halted() {
        return rollout != null && rollout.startsWith(io.strait.bus.envelope.RolloutState.HALTED);
    }

    /** Every proxy runs it (or, superseded, a newer revision of its source). */
    public boolean applied() {
        return verdict.equals("accepted") && proxies.applied() == proxies.total()
                && (state.equals("live") || state.equals("superseded"));
    }
}
