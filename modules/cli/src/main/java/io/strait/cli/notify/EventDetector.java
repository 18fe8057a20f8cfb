package io.strait.cli.notify;

import io.strait.cli.status.MeshStatus;
import io.strait.cli.status.RevisionReport;
import io.strait.cli.status.RevisionReports;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pure: from successive mesh statuses, the revision events not sent yet — each at most once per revision, accepted
 * before applied or nacked, older revisions first. Revisions decided before the notifier started are not announced
 * (a restart must not repeat them); the rollout computation ({@link RevisionReports}) says "applied" and "NACKed".
 */
public final class EventDetector {
    private final long since;
    /** {@code source revision} to the events sent for it; trimmed to the revisions still in the statuses. */
    private final Map<String, Set<String>> sent = new HashMap<>();

    /** @param since epoch millis: revisions decided earlier are not announced */
    public EventDetector(long since) {
        this.since = since;
    }

    public List<RevisionEvent> next(MeshStatus status, long now) {
        List<RevisionReport> reports = new ArrayList<>(RevisionReports.all(status));
        java.util.Collections.reverse(reports); // oldest first, so a forge sees a commit's events in order
        List<RevisionEvent> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (RevisionReport r : reports) {
            String key = r.source() + " " + r.revision();
            seen.add(key);
            if (r.decidedAt() < since) {
                continue;
            }
            Set<String> done = sent.computeIfAbsent(key, k -> new HashSet<>());
            if (r.verdict().equals("rejected")) {
                emit(out, done, RevisionEvent.REJECTED, r, now);
                continue;
            }
            emit(out, done, RevisionEvent.ACCEPTED, r, now);
            if (r.proxies().nacked() > 0) {
                emit(out, done, RevisionEvent.NACKED, r, now);
            }
            if (r.halted()) {
                emit(out, done, RevisionEvent.HALTED, r, now);
            } else if (r.proxies().nacked() == 0 && r.state().equals("live") && r.applied()) {
                emit(out, done, RevisionEvent.APPLIED, r, now);
            }
        }
        sent.keySet().retainAll(seen);
        return out;
    }

    private static void emit(List<RevisionEvent> out, Set<String> done, String event, RevisionReport r, long now) {
        if (done.add(event)) {
            out.add(RevisionEvent.of(event, r, now));
        }
    }
}
