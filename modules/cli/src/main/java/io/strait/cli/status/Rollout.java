package io.strait.cli.status;

import io.strait.bus.envelope.ProxyStatus;
import io.strait.bus.envelope.RevisionStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How far one config revision has rolled out: of the connected proxies, which have applied it (every type ACKed on
 * a config built from it, or — for a scope the revision did not change — on the manifest that still serves it, as
 * the translators' coverage records say), which refused it and with what error, and how long the slowest took.
 *
 * @param source         the config source
 * @param revision       the revision
 * @param state          live; superseded (accepted, then replaced by a newer revision of its source); rejected; or
 *                       pending (not published yet)
 * @param affected       proxies the revision applies to
 * @param applied        proxies that have applied it
 * @param nacks          proxy id to the error it returned for a version built from the revision
 * @param stragglers     affected proxies that have not applied it
 * @param convergeMillis from when ingest learned of the revision (the push or webhook of a git commit, else its
 *                       acceptance) to the last ACK, once every proxy applied it; -1 before, and for a superseded revision
 */
public record Rollout(String source, String revision, String state, int affected, List<String> applied,
                      Map<String, String> nacks, List<String> stragglers, long convergeMillis) {

    /** Every proxy runs the revision, or — for a superseded one — a newer revision of its source. */
    public boolean complete() {
        return (state.equals("live") || state.equals("superseded")) && applied.size() == affected;
    }

    /** When the newest revision of the config a proxy applied was published (0 if unknown). */
    private static long appliedAt(ProxyStatus ps) {
        return ps.types().values().stream().filter(t -> t.revisions().equals(ps.revisions()))
                .mapToLong(ProxyStatus.TypeStatus::revisionAt).max().orElse(0);
    }

    public static Rollout of(MeshStatus status, String source, String revision) {
        Optional<RevisionStatus> src = status.sources().stream().filter(s -> s.source().equals(source)).findFirst();
        Optional<RevisionStatus.Decision> decision = src.flatMap(s -> s.decisions().stream()
                .filter(d -> d.revision().equals(revision)).findFirst());
        String state = src.map(s -> revision.equals(s.liveRevision()) ? "live"
                : s.lastRejected() != null && revision.equals(s.lastRejected().revision()) ? "rejected"
                : decision.map(d -> d.accepted() != null ? "superseded" : "rejected").orElse("pending")).orElse("pending");
        if (state.equals("superseded")) {
            return superseded(status, src.get(), decision.get().accepted());
        }
        List<String> applied = new ArrayList<>();
        List<String> stragglers = new ArrayList<>();
        long lastAck = 0;
        Map<String, String> servedFrom = status.servedFrom(source, revision);
        Map<String, Long> servedAt = status.servedAt(source, revision);
        for (MeshStatus.Proxy p : status.proxies()) {
            String id = p.registration().proxyId();
            ProxyStatus ps = p.status();
            String appliedRevision = ps == null ? null : ps.revisions().get(source);
            // applied: a config built from the revision, or — where the revision changed nothing for its scope —
            // the config its scope is still served from, or one newer than that (it contains the revision)
            String scope = p.registration().scope();
            if (appliedRevision != null && (revision.equals(appliedRevision)
                    || appliedRevision.equals(servedFrom.get(scope))
                    || servedAt.getOrDefault(scope, 0L) > 0 && appliedAt(ps) >= servedAt.get(scope))) {
                applied.add(id);
                lastAck = Math.max(lastAck, ps.types().values().stream().mapToLong(ProxyStatus.TypeStatus::ackedAt).max().orElse(0));
            } else {
                stragglers.add(id);
            }
        }
        long acceptedAt = src.map(RevisionStatus::live).filter(l -> revision.equals(l.revision())).map(RevisionStatus.Accepted::acceptedAt).orElse(0L);
        long since = src.map(RevisionStatus::live).filter(l -> revision.equals(l.revision())).map(Rollout::learnedAt).orElse(0L);
        long converge = acceptedAt > 0 && lastAck >= acceptedAt && applied.size() == status.proxies().size() ? lastAck - since : -1;
        return new Rollout(source, revision, state, status.proxies().size(), applied, nacks(status, source, revision), stragglers, converge);
    }

    /** When ingest learned of a revision: the push or webhook of a git commit, else when it accepted it. */
    static long learnedAt(RevisionStatus.Accepted a) {
        return a.commit() != null && a.commit().receivedAt() > 0 ? Math.min(a.commit().receivedAt(), a.acceptedAt()) : a.acceptedAt();
    }

    /**
     * A revision replaced by a newer one of its source: a proxy has applied it when it applied the live revision (which
     * contains it), or a config of the source at least as new as it.
     */
    private static Rollout superseded(MeshStatus status, RevisionStatus src, RevisionStatus.Accepted old) {
        List<String> live = src.live() == null ? List.of() : of(status, src.source(), src.live().revision()).applied();
        List<String> applied = new ArrayList<>();
        List<String> stragglers = new ArrayList<>();
        for (MeshStatus.Proxy p : status.proxies()) {
            String id = p.registration().proxyId();
            ProxyStatus ps = p.status();
            String on = ps == null ? null : ps.revisions().get(src.source());
            if (live.contains(id) || on != null && (on.equals(old.revision()) || appliedAt(ps) >= old.acceptedAt())) {
                applied.add(id);
            } else {
                stragglers.add(id);
            }
        }
        return new Rollout(src.source(), old.revision(), "superseded", status.proxies().size(), applied,
                nacks(status, src.source(), old.revision()), stragglers, -1);
    }

    /** Proxy id to the error it returned for a version built from the revision. */
    private static Map<String, String> nacks(MeshStatus status, String source, String revision) {
        Map<String, String> nacks = new LinkedHashMap<>();
        for (MeshStatus.Proxy p : status.proxies()) {
            if (p.status() != null) {
                p.status().types().forEach((type, t) -> {
                    if ("NACK".equals(t.state()) && revision.equals(t.revisions().get(source))) {
                        nacks.put(p.registration().proxyId(), type + ": " + t.nackError());
                    }
                });
            }
        }
        return nacks;
    }
}
