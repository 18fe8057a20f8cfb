package io.strait.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.bus.envelope.CommitInfo;
import io.strait.bus.envelope.ProxyRegistration;
import io.strait.bus.envelope.ProxyStatus;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.model.finding.Finding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Status per commit: every remembered revision's verdict and rollout, and lookup by unique prefix. */
class RevisionReportsTest {
    private static final String SOURCE = "git:https://github.com/acme/mesh@main";
    private static final String A = "aaaa111122223333444455556666777788889999";
    private static final String B = "aaaa1111ffff3333444455556666777788880000";
    private static final String C = "cccc111122223333444455556666777788889999";

    private static CommitInfo commit(String sha, String subject, long receivedAt) {
        return new CommitInfo(sha, subject, "Ada Lovelace <ada@example.com>", receivedAt - 5, receivedAt);
    }

    private static MeshStatus.Proxy proxy(String id, String revision, long revisionAt, long ackedAt, String nack) {
        ProxyRegistration reg = new ProxyRegistration(1, id, "scope-" + id, "GRPC", "shop", "default", "Kubernetes", Map.of(), "10.0.0.1", "front-a", 0, "");
        ProxyStatus.TypeStatus t = new ProxyStatus.TypeStatus("v", nack == null ? "v" : "old", nack, 1, ackedAt, Map.of(SOURCE, revision), revisionAt);
        return new MeshStatus.Proxy(reg, new ProxyStatus(1, id, "scope-" + id, "front-a", Map.of(SOURCE, revision), Map.of("RDS", t), ackedAt));
    }

    /** A accepted at 100, B rejected at 200, C accepted (live) at 300. */
    private static MeshStatus status(MeshStatus.Proxy... proxies) {
        Finding error = new Finding(Finding.Level.ERROR, "STR0001", "virtual-services/reviews.yaml", 12, "VirtualService shop/reviews",
                "spec.http[0].route", "weights sum to 150, not 100");
        RevisionStatus s = RevisionStatus.none(SOURCE)
                .accept(new RevisionStatus.Accepted(A, 3, 3, 100, List.of(), commit(A, "Add reviews", 90)))
                .reject(new RevisionStatus.Rejected(B, 200, List.of(error), commit(B, "Break the weights", 190)))
                .accept(new RevisionStatus.Accepted(C, 3, 1, 300, List.of(), commit(C, "Shift reviews to v2", 250)));
        return new MeshStatus(List.of(proxies), List.of(s), List.of());
    }

    @Test
    void everyRevisionIsReportedNewestFirstWithItsCommitVerdictAndRollout() {
        List<RevisionReport> all = RevisionReports.all(status(proxy("p1", C, 300, 400, null), proxy("p2", C, 300, 420, null)));
        assertThat(all).extracting(RevisionReport::id).containsExactly("cccc11112222", "aaaa1111ffff", "aaaa11112222");
        RevisionReport live = all.get(0);
        assertThat(live.state()).isEqualTo("live");
        assertThat(live.proxies()).isEqualTo(new RevisionReport.Proxies(2, 2, 0));
        // from the push (250) to the last ACK (420)
        assertThat(live.convergeMillis()).isEqualTo(170);
        assertThat(live.commit().subject()).isEqualTo("Shift reviews to v2");
        RevisionReport rejected = all.get(1);
        assertThat(rejected.verdict()).isEqualTo("rejected");
        assertThat(rejected.findings()).extracting(Finding::describe).anyMatch(d -> d.startsWith("virtual-services/reviews.yaml:12"));
        RevisionReport old = all.get(2);
        assertThat(old.state()).isEqualTo("superseded");
        assertThat(old.applied()).isTrue();

        String table = RevisionTable.render(all);
        assertThat(table).contains("cccc11112222").contains("Shift reviews to v2").contains("Ada Lovelace").contains("2/2")
                .contains("170 ms").contains("virtual-services/reviews.yaml:12").doesNotContain("ada@example.com");
    }

    @Test
    void aNackIsCountedAndNamedOnItsRevision() {
        RevisionReport live = RevisionReports.all(status(proxy("p1", C, 300, 400, null), proxy("p2", C, 300, 0, "bad route"))).get(0);
        assertThat(live.proxies().nacked()).isEqualTo(1);
        assertThat(live.nacks()).containsEntry("p2", "RDS: bad route");
        assertThat(RevisionTable.render(List.of(live))).contains("NACK p2 RDS: bad route");
    }

    @Test
    void anyUniquePrefixFindsItsRevisionAndAnAmbiguousOneListsTheCandidates() {
        MeshStatus s = status(proxy("p1", C, 300, 400, null));
        assertThat(RevisionReports.find(s, "cccc1", null)).isInstanceOfSatisfying(RevisionReports.Found.class,
                f -> assertThat(f.report().revision()).isEqualTo(C));
        assertThat(RevisionReports.find(s, "AAAA1111F", SOURCE)).isInstanceOfSatisfying(RevisionReports.Found.class,
                f -> assertThat(f.report().revision()).isEqualTo(B));
        assertThat(RevisionReports.find(s, "aaaa1111", null)).isInstanceOfSatisfying(RevisionReports.Ambiguous.class,
                a -> assertThat(a.candidates()).hasSize(2).anyMatch(c -> c.contains("Add reviews")));
        assertThat(RevisionReports.find(s, "dead", null)).isInstanceOf(RevisionReports.Unknown.class);
        assertThat(RevisionReports.find(s, "cc", null)).isInstanceOfSatisfying(RevisionReports.Unknown.class,
                u -> assertThat(u.message()).contains("at least 4"));
        assertThat(RevisionReports.find(s, "cccc1", "folder:other")).isInstanceOf(RevisionReports.Unknown.class);
    }

    @Test
    void aFolderSourceWithoutHistoryShowsItsLiveAndRejectedRevisions() {
        RevisionStatus folder = new RevisionStatus(1, "folder:config", new RevisionStatus.Accepted("f00dfeedbeef0001", 3, 3, 100, List.of()),
                new RevisionStatus.Rejected("badc0ffee0000001", 200, List.of()));
        List<RevisionReport> all = RevisionReports.all(new MeshStatus(List.of(), List.of(folder), List.of()));
        assertThat(all).extracting(RevisionReport::verdict).containsExactly("rejected", "accepted");
        assertThat(RevisionTable.render(all)).contains("f00dfeedbeef").contains("0/0");
    }
}
