package io.strait.bus.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.model.finding.Finding;
import io.strait.model.json.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The history a source's status carries survives compaction because it is in the one value the topic keeps. */
class RevisionStatusTest {
    private static final CommitInfo COMMIT = new CommitInfo("0123456789abcdef0123456789abcdef01234567", "Shift reviews to v2",
            "Ada <ada@example.com>", 1_000, 2_000);

    private static Finding error(int line) {
        return new Finding(Finding.Level.ERROR, "STR0001", "vs.yaml", line, "VirtualService shop/reviews", "spec.http", "bad " + line);
    }

    @Test
    void decisionsAreKeptNewestFirstAndBounded() {
        RevisionStatus s = RevisionStatus.none("git:https://example.com/org/repo@main");
        for (int i = 0; i < RevisionStatus.HISTORY + 5; i++) {
            s = i % 3 == 2 ? s.reject(new RevisionStatus.Rejected("r" + i, i, List.of(error(i))))
                    : s.accept(new RevisionStatus.Accepted("r" + i, 1, 1, i, List.of()));
        }
        assertThat(s.history()).hasSize(RevisionStatus.HISTORY);
        assertThat(s.history().get(0).revision()).isEqualTo("r14");
        assertThat(s.liveRevision()).isEqualTo("r13");
        assertThat(s.lastRejected().revision()).isEqualTo("r14");
        assertThat(s.decisions()).extracting(RevisionStatus.Decision::revision).startsWith("r14", "r13", "r12");
    }

    @Test
    void roundTripsThroughTheBusMapperWithItsCommits() {
        RevisionStatus s = RevisionStatus.none("src")
                .accept(new RevisionStatus.Accepted(COMMIT.sha(), 3, 3, 10, List.of(), COMMIT))
                .reject(new RevisionStatus.Rejected("bad", 20, List.of(error(7)), null));
        RevisionStatus back = Json.read(Json.write(s), RevisionStatus.class);
        assertThat(back).isEqualTo(s);
        assertThat(back.history().get(1).commit()).isEqualTo(COMMIT);
        assertThat(back.history().get(0).findings()).extracting(Finding::line).containsExactly(7);
    }

    @Test
    void aStatusWrittenWithoutHistoryStillListsItsLiveAndRejectedRevisions() {
        RevisionStatus old = new RevisionStatus(1, "folder:config", new RevisionStatus.Accepted("live", 1, 1, 5, List.of()),
                new RevisionStatus.Rejected("turned-away", 9, List.of(error(3))));
        RevisionStatus back = Json.read(Json.write(old), RevisionStatus.class);
        assertThat(back.history()).isEmpty();
        assertThat(back.decisions()).extracting(RevisionStatus.Decision::revision).containsExactly("turned-away", "live");
    }

    @Test
    void aLongRejectionKeepsItsFirstFindingsInTheHistoryAndAllOfThemAsTheLastRejection() {
        List<Finding> many = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            many.add(error(i));
        }
        RevisionStatus s = RevisionStatus.none("src").reject(new RevisionStatus.Rejected("bad", 1, many));
        assertThat(s.history().get(0).findings()).hasSize(RevisionStatus.FINDINGS_PER_DECISION);
        assertThat(s.lastRejected().findings()).hasSize(50);
    }

    @Test
    void theSameRevisionDecidedAgainReplacesItsEntry() {
        RevisionStatus s = RevisionStatus.none("src")
                .accept(new RevisionStatus.Accepted("a", 1, 1, 1, List.of()))
                .accept(new RevisionStatus.Accepted("b", 1, 1, 2, List.of()))
                .accept(new RevisionStatus.Accepted("a", 1, 1, 3, List.of()));
        assertThat(s.history()).extracting(RevisionStatus.Decision::revision).containsExactly("a", "b");
    }
}
