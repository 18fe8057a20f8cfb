package io.strait.cli.notify;

import io.strait.bus.envelope.CommitInfo;
import io.strait.cli.status.RevisionReport;
import io.strait.model.finding.Finding;
import java.util.List;

/**
 * What a {@code --notify-url} receiver gets, as JSON, signed {@code X-Strait-Signature: sha256=<hmac of the body>}.
 *
 * @param event    accepted, rejected, applied (every proxy runs it), nacked (a proxy refused it) or halted (its staged
 *                 rollout stopped at the canaries)
 * @param source   the config source
 * @param revision the full revision id (a commit SHA for git)
 * @param commit   the commit, or null for a source that is not git
 * @param proxies  applied / total / nacked at the time of the event
 * @param findings a rejection's errors; for nacked, each refusing proxy's error as a finding-less message in {@code nacks}
 * @param nacks    proxy id to its error, for nacked
 * @param convergeMillis for applied: from the push or webhook (or acceptance) to the last ACK
 * @param at       epoch millis when the notifier saw it
 */
public record RevisionEvent(String event, String source, String revision, CommitInfo commit, RevisionReport.Proxies proxies,
                            List<Finding> findings, java.util.Map<String, String> nacks, long convergeMillis, long at) {
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";
    public static final String APPLIED = "applied";
    public static final String NACKED = "nacked";
    public static final String HALTED = "halted";

    static RevisionEvent of(String event, RevisionReport r, long at) {
        return new RevisionEvent(event, r.source(), r.revision(), r.commit(), r.proxies(),
                event.equals(REJECTED) ? r.findings().stream().filter(Finding::isError).toList() : List.of(),
                event.equals(NACKED) || event.equals(HALTED) ? r.nacks() : java.util.Map.of(), event.equals(APPLIED) ? r.convergeMillis() : -1, at);
    }
}
