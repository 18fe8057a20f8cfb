package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.cli.demo.ProxylessClient;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitOps figure: from sending a signed push webhook to the last ACK of every proxy, over 20 commits, at the
 * demo's scale (the sample's services, a handful of grpc-xds clients), with the split the timestamps on the bus
 * allow: webhook → fetch start (the commit's {@code receivedAt}; includes the webhook endpoint's coalescing window),
 * fetch start → published (fetch, parse, validate, publish: the acceptance time), published → last ACK.
 */
class WebhookToAckFigure {
    private static final int COMMITS = 20;
    private static final int PROXIES = 4;

    @Test
    void webhookToLastAck(@TempDir Path tmp) throws Exception {
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("mesh"));
             GitRemote git = new GitRemote(tmp.resolve("git"))) {
            Map<String, String> files = GitRemote.filesOf(mesh.configDir);
            // the sample's second service beside reviews (the figure counts config, not its traffic)
            files.put("services/ratings.yaml", Files.readString(Path.of("..", "config-sources", "bookinfo", "services", "ratings.yaml")));
            git.repo.push("initial", files);
            List<ProxylessClient> clients = new ArrayList<>();
            try (StraitNode node = GitOpsTrafficTest.node(tmp.resolve("data"), null, git)) {
                for (int i = 1; i <= PROXIES; i++) {
                    clients.add(GitOpsTrafficTest.client(node, "productpage-" + i));
                }
                for (ProxylessClient c : clients) {
                    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> c.call(Map.of(), 1000) != null);
                }
                long[] total = new long[COMMITS];
                long[] toFetch = new long[COMMITS];
                long[] toPublish = new long[COMMITS];
                long[] toAck = new long[COMMITS];
                for (int i = 0; i < COMMITS; i++) {
                    int v1 = 10 + (i % 8) * 10;
                    files.put(MeshFixture.VS_FILE, MeshFixture.split(v1, 90 - v1, 10));
                    RevCommit commit = git.repo.push("reviews: " + v1 + "/" + (90 - v1) + "/10", files);
                    long sent = System.currentTimeMillis();
                    assertThat(git.webhook(node.adminPort(), commit.name())).isEqualTo(202);
                    String sha = commit.name();
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
                        Map<String, Object> r = GitRemote.revision(node.adminPort(), sha);
                        return r != null && ((Number) r.get("convergeMillis")).longValue() >= 0;
                    });
                    Map<String, Object> r = GitRemote.revision(node.adminPort(), sha);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> proxies = (Map<String, Object>) r.get("proxies");
                    assertThat(proxies.get("applied")).isEqualTo(PROXIES);
                    @SuppressWarnings("unchecked")
                    long received = ((Number) ((Map<String, Object>) r.get("commit")).get("receivedAt")).longValue();
                    long published = ((Number) r.get("decidedAt")).longValue();
                    long lastAck = received + ((Number) r.get("convergeMillis")).longValue();
                    total[i] = lastAck - sent;
                    toFetch[i] = received - sent;
                    toPublish[i] = published - received;
                    toAck[i] = lastAck - published;
                    System.out.printf("commit %2d %s: webhook->last ACK %4d ms (->fetch start %d, ->published %d, ->last ACK %d)%n",
                            i + 1, sha.substring(0, 12), total[i], toFetch[i], toPublish[i], toAck[i]);
                }
                System.out.printf("FIGURE webhook->every proxy ACKed over %d commits, %d proxies: p50 %d ms, p99 %d ms; "
                                + "split p50/p99: webhook->fetch start %d/%d, fetch start->published %d/%d, published->last ACK %d/%d%n",
                        COMMITS, PROXIES, pct(total, 50), pct(total, 99), pct(toFetch, 50), pct(toFetch, 99),
                        pct(toPublish, 50), pct(toPublish, 99), pct(toAck, 50), pct(toAck, 99));
            } finally {
                clients.forEach(ProxylessClient::close);
            }
        }
    }

    /** Nearest-rank percentile. */
    private static long pct(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
