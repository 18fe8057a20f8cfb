package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.cli.Main;
import io.strait.cli.demo.ProxylessClient;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GitOps proved by traffic: a node whose config is a repository served over HTTP moves a real grpc-xds client's
 * RPCs when a commit is pushed and its signed webhook arrives, refuses a bad commit without moving them, and follows
 * a force-push back. And a folder and a git source on one node make one mesh.
 */
class GitOpsTrafficTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    /** A node of every role: the admin port on a free port with the webhook secret, the given sources. */
    static StraitNode node(Path data, Path folder, GitRemote git) throws Exception {
        return new StraitNode(new NodeOptions(EnumSet.allOf(Role.class), null, 0, data, folder, "127.0.0.1",
                EmbeddedKafka.freePort(), 0, "front-g", BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)
                .withHooks(GitRemote.WEBHOOK_SECRET, null).withGitSources(List.of(git.source()))).start();
    }

    static ProxylessClient client(StraitNode node, String workload) {
        return new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(), workload, "bookinfo",
                Map.of("app", "productpage")), MeshFixture.AUTHORITY);
    }

    private static int waitFor(StraitNode node, String revision) {
        return Main.execute(new String[] {"wait", "--revision", revision, "--admin-port", String.valueOf(node.adminPort()),
                "--timeout", "30s"});
    }

    @Test
    void aPushAndItsWebhookMoveTrafficABadCommitChangesNothingAndAForcePushBackIsFollowed(@TempDir Path tmp) throws Exception {
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("mesh"));
             GitRemote git = new GitRemote(tmp.resolve("git"))) {
            Map<String, String> files = GitRemote.filesOf(mesh.configDir);
            files.put(MeshFixture.VS_FILE, MeshFixture.all("v1"));
            RevCommit first = git.repo.push("reviews: everything to v1", files);
            try (StraitNode node = node(tmp.resolve("data"), null, git);
                 ProxylessClient client = client(node, "productpage-1")) {
                await().atMost(BOUND).ignoreExceptions().until(() -> "v1".equals(client.call(Map.of(), 1000)));
                assertThat(waitFor(node, first.name().substring(0, 12))).isZero();

                // a commit changing the split, announced by a signed GitHub push webhook: nothing polls, so only it moves traffic
                files.put(MeshFixture.VS_FILE, MeshFixture.split(10, 80, 10));
                RevCommit split = git.repo.push("reviews: 10/80/10", files);
                assertThat(git.webhook(node.adminPort(), split.name())).isEqualTo(202);
                assertThat(waitFor(node, split.name().substring(0, 12))).as("strait wait --revision <sha12>").isZero();
                Traffic.assertSplit(client, Map.of("v1", 10, "v2", 80, "v3", 10), 300, 10);

                // an invalid commit: rejected with file:line, traffic unchanged, GET /revisions/<sha> says so
                String bad = MeshFixture.all("v9");
                files.put(MeshFixture.VS_FILE, bad);
                RevCommit invalid = git.repo.push("reviews: to a subset that does not exist", files);
                assertThat(git.webhook(node.adminPort(), invalid.name())).isEqualTo(202);
                await().atMost(BOUND).until(() -> {
                    Map<String, Object> r = GitRemote.revision(node.adminPort(), invalid.name());
                    return r != null && "rejected".equals(r.get("verdict"));
                });
                Map<String, Object> rejected = GitRemote.revision(node.adminPort(), invalid.name());
                System.out.println("GET /revisions/" + invalid.name() + " -> " + rejected);
                assertThat(rejected.get("state")).isEqualTo("rejected");
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> findings = (List<Map<String, Object>>) rejected.get("findings");
                assertThat(findings).anySatisfy(f -> {
                    assertThat(f.get("file")).isEqualTo(MeshFixture.VS_FILE);
                    assertThat(f.get("line")).isEqualTo(MeshFixture.lineOf(bad, "subset: v9", 1));
                });
                assertThat(waitFor(node, invalid.name().substring(0, 12))).as("wait says rejected").isEqualTo(3);
                Traffic.assertSplit(client, Map.of("v1", 10, "v2", 80, "v3", 10), 300, 10);

                // force-push main back to the first commit: followed, and it is the live revision again
                git.repo.forcePush(first);
                assertThat(git.webhook(node.adminPort(), first.name())).isEqualTo(202);
                await().atMost(BOUND).ignoreExceptions().until(() -> Traffic.count(client, Map.of(), 20).keySet().equals(java.util.Set.of("v1")));
                assertThat(waitFor(node, first.name().substring(0, 12))).isZero();
                assertThat(GitRemote.revision(node.adminPort(), first.name()).get("state")).isEqualTo("live");
            }
        }
    }

    /** A ServiceEntry of {@code ratings} at one backend port, as the sample declares it. */
    private static String ratings(int port) {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: ratings
                  namespace: bookinfo
                spec:
                  hosts:
                  - ratings.bookinfo.svc.cluster.local
                  ports:
                  - number: 9080
                    name: grpc
                    protocol: GRPC
                  resolution: STATIC
                  endpoints:
                  - address: 127.0.0.1
                    ports:
                      grpc: %d
                """.formatted(port);
    }

    @Test
    void aFolderAndAGitSourceMakeOneMeshAndNeitherRemovesTheOthersCopy(@TempDir Path tmp) throws Exception {
        // each source validates alone (a reference into another source is not found), so each is whole by itself:
        // the folder declares and routes reviews, the repository declares ratings
        int ratingsPort = EmbeddedKafka.freePort();
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("folder"));
             io.strait.cli.demo.Backends ratingsBackend = new io.strait.cli.demo.Backends();
             GitRemote git = new GitRemote(tmp.resolve("git"))) {
            ratingsBackend.start("127.0.0.1", ratingsPort, "ratings-v1");
            mesh.writeVirtualService(MeshFixture.all("v1"));
            Map<String, String> ratingsOnly = Map.of("services/ratings.yaml", ratings(ratingsPort));
            git.repo.push("ratings", ratingsOnly);
            try (StraitNode node = node(tmp.resolve("data"), mesh.configDir, git);
                 ProxylessClient reviews = client(node, "productpage-1");
                 ProxylessClient ratingsClient = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(),
                         "productpage-1", "bookinfo", Map.of("app", "productpage")), "ratings.bookinfo.svc.cluster.local:9080")) {
                await().atMost(BOUND).ignoreExceptions().until(() -> Traffic.count(reviews, Map.of(), 20).keySet().equals(java.util.Set.of("v1")));
                await().atMost(BOUND).ignoreExceptions().until(() -> "ratings-v1".equals(ratingsClient.call(Map.of(), 1000)));

                // the repository also defines the folder's reviews ServiceEntry, with the v1 label on v3's pod: the folder
                // was first, so its copy stays and traffic does not move
                String folderEntry = Files.readString(mesh.configDir.resolve("services/reviews.yaml"));
                Map<String, String> withCopy = new HashMap<>(ratingsOnly);
                withCopy.put("services/reviews.yaml", folderEntry.replace("version: v1", "version: vX").replace("version: v3", "version: v1"));
                RevCommit conflicting = git.repo.push("a second copy of the reviews ServiceEntry", withCopy);
                assertThat(git.webhook(node.adminPort(), conflicting.name())).isEqualTo(202);
                assertThat(waitFor(node, conflicting.name().substring(0, 12))).isZero();
                Traffic.assertAll(reviews, Map.of(), "v1", 50);

                // the repository deletes its copy: the folder's is not removed with it
                RevCommit removed = git.repo.push("drop the reviews copy", ratingsOnly);
                assertThat(git.webhook(node.adminPort(), removed.name())).isEqualTo(202);
                assertThat(waitFor(node, removed.name().substring(0, 12))).isZero();
                Traffic.assertAll(reviews, Map.of(), "v1", 50);
                assertThat(ratingsClient.call(Map.of(), 5000)).isEqualTo("ratings-v1");

                // and the folder still moves its own routing beside the repository's service
                mesh.writeVirtualService(MeshFixture.all("v3"));
                await().atMost(BOUND).ignoreExceptions().until(() -> Traffic.count(reviews, Map.of(), 20).keySet().equals(java.util.Set.of("v3")));
                assertThat(ratingsClient.call(Map.of(), 5000)).isEqualTo("ratings-v1");
            }
        }
    }
}
