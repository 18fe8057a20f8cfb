package io.strait.ingest.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.bus.envelope.RevisionMarker;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.kafka.TopicSnapshot;
import io.strait.bus.topic.TopicDefinition;
import io.strait.bus.topic.TopicInstaller;
import io.strait.bus.topic.Topics;
import io.strait.ingest.revision.RevisionBuilderTest;
import io.strait.model.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The git source against a real broker and real repositories served over file://, HTTP and SSH. */
class GitSourceTest {
    static final Map<String, String> GOOD = Map.of("se.yaml", RevisionBuilderTest.SE, "dr.yaml", RevisionBuilderTest.DR,
            "vs.yaml", RevisionBuilderTest.vs("  - route: [{destination: {host: reviews, subset: v1}}]\n"));
    static final Map<String, String> GOOD_V2 = Map.of("se.yaml", RevisionBuilderTest.SE, "dr.yaml", RevisionBuilderTest.DR,
            "vs.yaml", RevisionBuilderTest.vs("  - route: [{destination: {host: reviews, subset: v2}}]\n"));
    static final Map<String, String> BAD = Map.of("se.yaml", RevisionBuilderTest.SE, "dr.yaml", RevisionBuilderTest.DR,
            "vs.yaml", RevisionBuilderTest.vs("  - route: [{destination: {host: reviews, subset: v9}}]\n"));
    private static final Duration NEVER = Duration.ofHours(1);
    private static EmbeddedKafka kafka;
    private static BusConfig bus;

    @BeforeAll
    static void startBroker(@TempDir Path dir) throws Exception {
        kafka = new EmbeddedKafka(dir, 0).start();
        bus = new BusConfig(kafka.bootstrapServers(), "test");
        try (Admin admin = Admin.create(bus.admin())) {
            TopicInstaller.ensure(admin, TopicDefinition.all(), (short) 1);
        }
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    static RevisionStatus status(String source) {
        byte[] v = TopicSnapshot.read(bus, Topics.REVISIONS, Duration.ofSeconds(10)).get(source);
        return v == null ? null : Json.read(v, RevisionStatus.class);
    }

    static String live(String source) {
        RevisionStatus s = status(source);
        return s == null ? null : s.liveRevision();
    }

    static RevisionMarker marker(String source) {
        byte[] v = TopicSnapshot.read(bus, Topics.CONFIG, Duration.ofSeconds(10)).get(RevisionMarker.KEY_PREFIX + source);
        return v == null ? null : ConfigCodec.decodeMarker(v);
    }

    static long configEnd() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(bus.consumer("t", null))) {
            TopicPartition p = new TopicPartition(Topics.CONFIG, 0);
            return c.endOffsets(List.of(p)).get(p);
        }
    }

    static String lastRejectedMessage(String source) {
        RevisionStatus s = status(source);
        return s == null || s.lastRejected() == null ? "" : s.lastRejected().findings().toString();
    }

    @Test
    void oneCommitIsOneRevisionFollowsForcePushesRejectsBadCommitsAndResumes(@TempDir Path dir) throws Exception {
        try (TestRepo repo = new TestRepo(dir)) {
            RevCommit first = repo.push("reviews to v1", GOOD);
            GitSourceOptions options = GitSourceOptions.of(repo.url(), "main").withPoll(NEVER);
            String source = options.sourceName();
            assertThat(source).isEqualTo("git:" + repo.url() + "@main");
            try (GitSource git = new GitSource(bus, options, dir.resolve("data")).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> first.name().equals(live(source)) && marker(source) != null);
                RevisionMarker m = marker(source);
                assertThat(m.revision()).isEqualTo(first.name());
                assertThat(m.commit().sha()).isEqualTo(first.name());
                assertThat(m.commit().subject()).isEqualTo("reviews to v1");
                assertThat(m.commit().author()).isEqualTo("Ada Lovelace <ada@example.com>");
                assertThat(m.commit().committedAt()).isEqualTo(first.getCommitterIdent().getWhenAsInstant().toEpochMilli());
                assertThat(status(source).live().commit().shortSha()).isEqualTo(first.name().substring(0, 12));
                var vs = ConfigCodec.decode(TopicSnapshot.read(bus, Topics.CONFIG, Duration.ofSeconds(10)).get("VirtualService/bookinfo/reviews@" + source));
                assertThat(vs.origin().revision()).isEqualTo(first.name());

                // two commits pushed at once: one revision, the head
                repo.commit("intermediate", GOOD_V2, null);
                RevCommit head = repo.commit("reviews back to v1", Map.of("se.yaml", RevisionBuilderTest.SE, "dr.yaml", RevisionBuilderTest.DR,
                        "vs.yaml", RevisionBuilderTest.vs("  - route: [{destination: {host: reviews, subset: v1}}]\n"),
                        "extra/se2.yaml", RevisionBuilderTest.SE.replace("name: reviews", "name: ratings").replace("reviews.bookinfo", "ratings.bookinfo")), null);
                repo.pushAll();
                long before = configEnd();
                git.fetchNow("test push");
                await().atMost(Duration.ofSeconds(20)).until(() -> head.name().equals(live(source)));
                assertThat(configEnd() - before).as("one transaction: the changed record(s), the marker, and control records")
                        .isLessThanOrEqualTo(4);

                // force-push back to the first commit: the head moved backwards, and that is the revision
                repo.forcePush(first);
                git.fetchNow("force push");
                await().atMost(Duration.ofSeconds(20)).until(() -> first.name().equals(live(source)));

                // an invalid commit: rejected with file and line, the previous SHA stays live
                RevCommit bad = repo.push("reviews to a subset that does not exist", BAD);
                long beforeBad = configEnd();
                git.fetchNow("bad push");
                await().atMost(Duration.ofSeconds(20)).until(() -> status(source).lastRejected() != null
                        && bad.name().equals(status(source).lastRejected().revision()));
                RevisionStatus rejected = status(source);
                assertThat(rejected.liveRevision()).isEqualTo(first.name());
                assertThat(rejected.lastRejected().commit().subject()).isEqualTo("reviews to a subset that does not exist");
                assertThat(rejected.lastRejected().findings()).anySatisfy(f -> {
                    assertThat(f.file()).isEqualTo("vs.yaml");
                    assertThat(f.line()).isGreaterThan(0);
                });
                assertThat(configEnd()).as("a rejected commit writes nothing to the config topic").isEqualTo(beforeBad);
                repo.forcePush(first);
                git.fetchNow("revert");
                await().atMost(Duration.ofSeconds(20)).until(() -> status(source).liveRevision().equals(first.name()));
            }
            // a restarted ingest reads its live commit from the bus and publishes nothing new
            long end = configEnd();
            try (GitSource again = new GitSource(bus, options, dir.resolve("data-elsewhere")).start()) {
                assertThat(again.liveRevision()).isEqualTo(first.name());
                assertThat(configEnd()).as("a restart on the live commit publishes nothing").isEqualTo(end);
            }
        }
    }

    @Test
    void aShallowFetchOfASubfolderReadsOnlyThatFolderWithMeshYamlAtItsRoot(@TempDir Path dir) throws Exception {
        try (TestRepo repo = new TestRepo(dir)) {
            repo.push("old", Map.of("deploy/prod/se.yaml", RevisionBuilderTest.SE));
            RevCommit c = repo.push("prod", Map.of("deploy/prod/se.yaml", RevisionBuilderTest.SE, "deploy/prod/mesh.yaml",
                    "defaultHttpRetryPolicy: {attempts: 3}\n", "deploy/dev/broken.yaml", "not: [valid"));
            GitSourceOptions options = GitSourceOptions.of(repo.url(), "main").withPath("deploy/prod/").withDepth(1).withPoll(NEVER);
            assertThat(options.sourceName()).endsWith("@main:deploy/prod");
            try (GitSource git = new GitSource(bus, options, dir.resolve("data")).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> c.name().equals(live(options.sourceName())));
                assertThat(status(options.sourceName()).live().resources()).isEqualTo(2); // the ServiceEntry and the MeshConfig
            }
        }
    }

    @Test
    void aMissingBranchAndAnUnreachableRepositoryEndInStatusesAndTheSourceRecovers(@TempDir Path dir) throws Exception {
        try (TestRepo repo = new TestRepo(dir)) {
            RevCommit c = repo.push("v1", GOOD);
            GitSourceOptions missing = GitSourceOptions.of(repo.url(), "release-9").withPoll(NEVER);
            try (GitSource git = new GitSource(bus, missing, dir.resolve("data")).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> lastRejectedMessage(missing.sourceName()).contains("release-9"));
                assertThat(lastRejectedMessage(missing.sourceName())).contains("does not exist").contains("main").contains("--git-branch");
            }
            Path gone = dir.resolve("moved.git");
            GitSourceOptions options = GitSourceOptions.of(gone.toUri().toString(), "main").withPoll(NEVER);
            try (GitSource git = new GitSource(bus, options, dir.resolve("data")).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> !lastRejectedMessage(options.sourceName()).isEmpty());
                assertThat(lastRejectedMessage(options.sourceName())).contains(GitSource.FETCH_CODE).contains("retrying");
                // the repository appears: the next fetch recovers
                java.nio.file.Files.move(repo.bare, gone);
                git.fetchNow("back");
                await().atMost(Duration.ofSeconds(20)).until(() -> c.name().equals(live(options.sourceName())));
            }
        }
    }

    @Test
    void overHttpWithATokenFileAndOverSshWithAKeyAndKnownHosts(@TempDir Path dir) throws Exception {
        try (TestRepo repo = new TestRepo(dir); SmartHttpGitServer http = new SmartHttpGitServer(repo.bare, "x-access-token", "s3cret-token");
             SshGitServer ssh = new SshGitServer(repo.bare)) {
            RevCommit c = repo.push("v1", GOOD);
            Path token = java.nio.file.Files.writeString(dir.resolve("token"), "s3cret-token\n");
            GitSourceOptions overHttp = GitSourceOptions.of(http.url(), "main").withToken(null, token).withPoll(NEVER);
            try (GitSource git = new GitSource(bus, overHttp, dir.resolve("data")).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> c.name().equals(live(overHttp.sourceName())));
            }
            Path wrong = java.nio.file.Files.writeString(dir.resolve("wrong"), "not-the-token\n");
            GitSourceOptions refused = GitSourceOptions.of(http.url() + "/", "main").withToken(null, wrong).withPoll(NEVER);
            try (GitSource git = new GitSource(bus, refused, dir.resolve("data")).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> !lastRejectedMessage(refused.sourceName()).isEmpty());
                assertThat(lastRejectedMessage(refused.sourceName())).contains("--git-token-file").doesNotContain("not-the-token");
            }

            Path key = ssh.writeClientKey(dir.resolve("id_rsa"));
            Path knownHosts = ssh.writeKnownHosts(dir.resolve("known_hosts"), ssh.hostKey.getPublic());
            GitSourceOptions overSsh = GitSourceOptions.of(ssh.url(), "main").withSsh(key, knownHosts).withPoll(NEVER);
            assertThat(overSsh.sourceName()).isEqualTo("git:" + ssh.url() + "@main");
            try (GitSource git = new GitSource(bus, overSsh, dir.resolve("data")).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> c.name().equals(live(overSsh.sourceName())));
            }
            Path otherHosts = ssh.writeKnownHosts(dir.resolve("known_hosts_other"), SshGitServer.rsa().getPublic());
            GitSourceOptions changed = GitSourceOptions.of(ssh.url().replace("/repo.git", "//repo.git"), "main")
                    .withSsh(key, otherHosts).withPoll(NEVER);
            try (GitSource git = new GitSource(bus, changed, dir.resolve("data")).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> !lastRejectedMessage(changed.sourceName()).isEmpty());
                assertThat(lastRejectedMessage(changed.sourceName())).contains("127.0.0.1").contains(otherHosts.toString())
                        .contains("CHANGED");
                assertThat(live(changed.sourceName())).isNull();
            }
        }
    }

    @Test
    void aSignedHeadIsAcceptedAndAnUnsignedOrUntrustedOneRejectedWithTheLastGoodLive(@TempDir Path dir) throws Exception {
        PgpTestKey trusted = new PgpTestKey("Release <release@example.com>");
        PgpTestKey stranger = new PgpTestKey("Mallory <mallory@example.com>");
        Path keyring = trusted.writePublicKeyring(dir.resolve("trusted.asc"));
        try (TestRepo repo = new TestRepo(dir)) {
            RevCommit signed = repo.push("signed v1", GOOD, trusted);
            GitSourceOptions options = GitSourceOptions.of(repo.url(), "main").withVerifyKeyring(keyring).withPoll(NEVER);
            String source = options.sourceName();
            try (GitSource git = new GitSource(bus, options, dir.resolve("data")).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> signed.name().equals(live(source)));

                RevCommit unsigned = repo.push("unsigned v2", GOOD_V2);
                git.fetchNow("push");
                await().atMost(Duration.ofSeconds(20)).until(() -> status(source).lastRejected() != null
                        && unsigned.name().equals(status(source).lastRejected().revision()));
                assertThat(lastRejectedMessage(source)).contains("commit " + unsigned.name().substring(0, 12) + " is not signed")
                        .contains(keyring.toString()).contains(GitSource.SIGNATURE_CODE);
                assertThat(live(source)).isEqualTo(signed.name());

                RevCommit untrusted = repo.push("signed by someone else", GOOD_V2, stranger);
                git.fetchNow("push");
                await().atMost(Duration.ofSeconds(20)).until(() -> untrusted.name().equals(status(source).lastRejected().revision()));
                assertThat(lastRejectedMessage(source)).contains("is not signed by a key in " + keyring);
                assertThat(live(source)).isEqualTo(signed.name());

                RevCommit signedAgain = repo.push("signed v2", GOOD_V2, trusted);
                git.fetchNow("push");
                await().atMost(Duration.ofSeconds(20)).until(() -> signedAgain.name().equals(live(source)));
            }
        }
    }

    @Test
    void aCommitOfFiftyThousandFilesOrAHundredMegabyteFileIsRejectedNamingTheFlag(@TempDir Path dir) throws Exception {
        try (TestRepo repo = new TestRepo(dir)) {
            RevCommit good = repo.push("v1", GOOD);
            GitSourceOptions options = GitSourceOptions.of(repo.url(), "main").withPoll(NEVER);
            String source = options.sourceName();
            try (GitSource git = new GitSource(bus, options, dir.resolve("data")).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> good.name().equals(live(source)));
                var many = repo.commitDirect("fifty thousand files", 50_000, 0);
                git.fetchNow("push");
                await().atMost(Duration.ofSeconds(60)).until(() -> status(source).lastRejected() != null
                        && many.name().equals(status(source).lastRejected().revision()));
                assertThat(lastRejectedMessage(source)).contains("50000 config files").contains("--git-max-files");
                assertThat(live(source)).isEqualTo(good.name());

                var big = repo.commitDirect("one huge file", 0, 100L * 1024 * 1024);
                git.fetchNow("push");
                await().atMost(Duration.ofSeconds(60)).until(() -> big.name().equals(status(source).lastRejected().revision()));
                assertThat(lastRejectedMessage(source)).contains("big.yaml").contains("100 MiB").contains("--git-max-file-size");
                assertThat(live(source)).isEqualTo(good.name());

                repo.forcePush(good);
                RevCommit next = repo.push("v2", GOOD_V2);
                git.fetchNow("push");
                await().atMost(Duration.ofSeconds(20)).until(() -> next.name().equals(live(source)));
            }
        }
    }
}
