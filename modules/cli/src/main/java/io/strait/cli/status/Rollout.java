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
 * @param state          live, rejected, or pending (not published yet, or superseded)
 * @param affected       proxies the revision applies to
 * @param applied        proxies that have applied it
 * @param nacks          proxy id to the error it returned for a version built from the revision
 * @param stragglers     affected proxies that have not applied it
 * @param convergeMillis from acceptance to the last ACK among those that applied it, or -1
 */
public record Rollout(String source, String revision, String state, int affected, List<String> applied,
                      Map<String, String> nacks, List<String> stragglers, long convergeMillis) {

    public boolean complete() {
        return state.equals("live") && applied.size() == affected;
    }

    /** When the newest revision of the config a proxy applied was published (0 if unknown). */
    private static long appliedAt(ProxyStatus ps) {
        return ps.types().values().stream().filter(t -> t.revisions().equals(ps.revisions()))
                .mapToLong(ProxyStatus.TypeStatus::revisionAt).max().orElse(0);
    }

    public static Rollout of(MeshStatus status, String source, String revision) {
        Optional<RevisionStatus> src = status.sources().stream().filter(s -> s.source().equals(source)).findFirst();
        String state = src.map(s -> revision.equals(s.liveRevision()) ? "live"
                : s.lastRejected() != null && revision.equals(s.lastRejected().revision()) ? "rejected" : "pending").orElse("pending");
        List<String> applied = new ArrayList<>();
        List<String> stragglers = new ArrayList<>();
        Map<String, String> nacks = new LinkedHashMap<>();
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
            if (ps != null) {
                ps.types().forEach((type, t) -> {
                    if ("NACK".equals(t.state()) && revision.equals(t.revisions().get(source))) {
                        nacks.put(id, type + ": " + t.nackError());
                    }
                });
            }
        }
        long acceptedAt = src.map(RevisionStatus::live).filter(l -> revision.equals(l.revision())).map(RevisionStatus.Accepted::acceptedAt).orElse(0L);
        long converge = acceptedAt > 0 && lastAck >= acceptedAt && applied.size() == status.proxies().size() ? lastAck - acceptedAt : -1;
        return new Rollout(source, revision, state, status.proxies().size(), applied, nacks, stragglers, converge);
    }
}
