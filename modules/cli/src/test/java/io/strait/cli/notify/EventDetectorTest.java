package io.strait.cli.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.bus.envelope.CommitInfo;
import io.strait.bus.envelope.ProxyRegistration;
import io.strait.bus.envelope.ProxyStatus;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.cli.status.MeshStatus;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each revision's events at most once, in order, from the rollout as the statuses show it. */
class EventDetectorTest {
    private static final String SOURCE = "git:https://github.com/acme/mesh.git@main";
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    private static MeshStatus status(RevisionStatus s, String proxyOn, String nack) {
        List<MeshStatus.Proxy> proxies = proxyOn == null ? List.of() : List.of(new MeshStatus.Proxy(
                new ProxyRegistration(1, "p1", "s1", "GRPC", "shop", "default", "Kubernetes", Map.of(), "10.0.0.1", "front-a", 0, ""),
                new ProxyStatus(1, "p1", "s1", "front-a", Map.of(SOURCE, proxyOn), Map.of("RDS",
                        new ProxyStatus.TypeStatus("v", nack == null ? "v" : null, nack, 1, 2, Map.of(SOURCE, proxyOn), 100)), 2)));
        return new MeshStatus(proxies, List.of(s), List.of());
    }

    @Test
    void acceptedThenAppliedOnceEachAndNothingForRevisionsDecidedBeforeTheStart() {
        RevisionStatus s = RevisionStatus.none(SOURCE)
                .accept(new RevisionStatus.Accepted("old", 1, 1, 10, List.of()))
                .accept(new RevisionStatus.Accepted(SHA, 1, 1, 100, List.of(), new CommitInfo(SHA, "Shift", "Ada <a@x>", 90, 95)));
        EventDetector d = new EventDetector(50);
        assertThat(d.next(status(s, "old", null), 1)).extracting(RevisionEvent::event).containsExactly("accepted");
        assertThat(d.next(status(s, "old", null), 2)).isEmpty();
        List<RevisionEvent> applied = d.next(status(s, SHA, null), 3);
        assertThat(applied).extracting(RevisionEvent::event).containsExactly("applied");
        assertThat(applied.get(0).proxies().applied()).isEqualTo(1);
        assertThat(d.next(status(s, SHA, null), 4)).isEmpty();
    }

    @Test
    void aNackAndARejectionAreAnnounced() {
        RevisionStatus s = RevisionStatus.none(SOURCE).accept(new RevisionStatus.Accepted(SHA, 1, 1, 100, List.of()));
        EventDetector d = new EventDetector(0);
        assertThat(d.next(status(s, SHA, "unknown cluster"), 1)).extracting(RevisionEvent::event).containsExactly("accepted", "nacked");
        RevisionStatus r = s.reject(new RevisionStatus.Rejected("bad", 200, List.of()));
        assertThat(d.next(status(r, SHA, "unknown cluster"), 2)).extracting(RevisionEvent::event).containsExactly("rejected");
    }

    @Test
    void aHaltedRolloutIsAnnouncedOnceAndIsAGitHubFailure() {
        RevisionStatus s = RevisionStatus.none(SOURCE).accept(new RevisionStatus.Accepted(SHA, 1, 1, 100, List.of()));
        MeshStatus nacked = status(s, SHA, "unknown cluster");
        io.strait.bus.envelope.RolloutState halted = new io.strait.bus.envelope.RolloutState(1, SOURCE, SHA,
                io.strait.bus.envelope.RolloutState.HALTED, List.of("s1"), 100, 200, "proxy p1 NACKed RDS: unknown cluster", 150);
        MeshStatus withHalt = new MeshStatus(nacked.proxies(), nacked.sources(), List.of(), List.of(), List.of(halted));
        EventDetector d = new EventDetector(0);
        List<RevisionEvent> events = d.next(withHalt, 1);
        assertThat(events).extracting(RevisionEvent::event).containsExactly("accepted", "nacked", "halted");
        assertThat(GitHubStatus.state("halted")).isEqualTo("failure");
        assertThat(GitHubStatus.description(events.get(2))).contains("halted").contains("unknown cluster");
        assertThat(d.next(withHalt, 2)).isEmpty();
        assertThat(io.strait.cli.status.RevisionTable.render(io.strait.cli.status.RevisionReports.all(withHalt)))
                .contains("rollout halted: proxy p1 NACKed");
    }

    @Test
    void gitHubStatusesGoOnlyToCommitsOfRepositoriesOfItsHost() {
        GitHubStatus gh = new GitHubStatus(NotifyOptions.GITHUB_API, "t");
        assertThat(gh.repository(SOURCE)).contains("acme/mesh");
        assertThat(gh.repository("git:git@github.com:acme/mesh.git@main")).contains("acme/mesh");
        assertThat(gh.repository("git:https://gitlab.com/acme/mesh.git@main")).isEmpty();
        assertThat(gh.repository("folder:config")).isEmpty();
        assertThat(new GitHubStatus(URI.create("https://ghe.example.com/api/v3"), "t").repository("git:https://ghe.example.com/acme/mesh@main"))
                .contains("acme/mesh");
        RevisionEvent folder = new RevisionEvent("accepted", "folder:config", "abc", null, null, List.of(), Map.of(), -1, 1);
        assertThat(gh.request(folder)).isEmpty();
        assertThat(GitHubStatus.state("accepted")).isEqualTo("pending");
        assertThat(GitHubStatus.state("applied")).isEqualTo("success");
        assertThat(GitHubStatus.state("nacked")).isEqualTo("failure");
    }
}
