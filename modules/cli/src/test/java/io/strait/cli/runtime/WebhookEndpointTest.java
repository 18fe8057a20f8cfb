package io.strait.cli.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strait.bus.kafka.BusConfig;
import io.strait.cli.runtime.webhook.WebhookCheck;
import io.strait.ingest.source.WatchedBranch;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /webhooks/git} on a real admin HTTP server, with a real HTTP client. */
class WebhookEndpointTest {
    private static final byte[] SECRET = "s3cret-for-tests".getBytes(StandardCharsets.UTF_8);
    private static final String PUSH = """
            {"ref":"refs/heads/main","after":"0123456789abcdef0123456789abcdef01234567",
             "repository":{"clone_url":"https://github.com/acme/mesh.git","ssh_url":"git@github.com:acme/mesh.git"}}""";

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> fetches = new CopyOnWriteArrayList<>();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Vertx vertx;
    private AdminServer admin;
    private AdminServer disabled;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        // the webhook path never touches the bus, so no broker is needed behind it
        BusConfig unused = new BusConfig("127.0.0.1:1", "test");
        admin = new AdminServer(vertx, unused, 0, () -> 0, metrics, null, SECRET,
                List.of(new WatchedBranch("ssh://git@github.com/acme/mesh.git", "main", fetches::add)));
        admin.start();
        disabled = new AdminServer(vertx, unused, 0, () -> 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null, null, List.of());
        disabled.start();
    }

    @AfterEach
    void stop() throws Exception {
        admin.close();
        disabled.close();
        vertx.close().await();
    }

    private HttpResponse<String> post(AdminServer to, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.port() + "/webhooks/git"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sign(String body) {
        return WebhookCheck.sign(body.getBytes(StandardCharsets.UTF_8), SECRET);
    }

    @Test
    void aBurstOfValidPushesForTheWatchedBranchIsOneFetch() throws Exception {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> res = post(admin, PUSH, "X-GitHub-Event", "push", "X-Hub-Signature-256", sign(PUSH));
            assertThat(res.statusCode()).isEqualTo(202);
            assertThat(res.body()).contains("github.com/acme/mesh@main");
        }
        // every push is accounted for once; how many fetches the burst makes depends on how fast five HTTP requests
        // go on a loaded machine (the coalescing itself is PushCoalescerTest's)
        await().atMost(Duration.ofSeconds(5)).until(() -> pushesIn(fetches) == 5);
        assertThat(fetches).allSatisfy(f -> assertThat(f).contains("github push 0123456789ab"));
        int before = fetches.size();
        // the burst is over: a later push is a fetch of its own
        post(admin, PUSH, "X-GitHub-Event", "push", "X-Hub-Signature-256", sign(PUSH));
        await().atMost(Duration.ofSeconds(5)).until(() -> fetches.size() == before + 1);
    }

    /** How many pushes the fetches' reasons stand for: one each, plus their "(and N earlier pushes)". */
    private static int pushesIn(List<String> fetches) {
        int n = 0;
        for (String f : fetches) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("and (\\d+) earlier pushes").matcher(f);
            n += 1 + (m.find() ? Integer.parseInt(m.group(1)) : 0);
        }
        return n;
    }

    @Test
    void aBadOrMissingSignatureIs401AndTriggersNothing() throws Exception {
        assertThat(post(admin, PUSH, "X-GitHub-Event", "push", "X-Hub-Signature-256", sign(PUSH + "x")).statusCode()).isEqualTo(401);
        assertThat(post(admin, PUSH, "X-GitHub-Event", "push").statusCode()).isEqualTo(401);
        assertThat(post(admin, PUSH).statusCode()).isEqualTo(401);
        // a push that was accepted would have fired within the coalescing window; give it several
        HttpResponse<String> ok = post(admin, "{}", "X-GitHub-Event", "ping", "X-Hub-Signature-256", sign("{}"));
        assertThat(ok.statusCode()).isEqualTo(200);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(fetches::isEmpty);
        assertThat(metrics.scrape()).contains("strait_webhook_deliveries_total{result=\"unauthorized\"} 3.0");
        assertThat(metrics.scrape()).doesNotContain(new String(SECRET, StandardCharsets.UTF_8));
    }

    @Test
    void aPushNoSourceWatchesIsAnsweredWithWhatWasPushed() throws Exception {
        String dev = PUSH.replace("refs/heads/main", "refs/heads/dev");
        HttpResponse<String> res = post(admin, dev, "X-GitHub-Event", "push", "X-Hub-Signature-256", sign(dev));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("no source watches https://github.com/acme/mesh.git@dev");
    }

    @Test
    void aBodyOverOneMebibyteIsRefusedWith413() throws Exception {
        String huge = "{\"pad\":\"" + "x".repeat((1 << 20) + 1) + "\"}";
        HttpResponse<String> res = post(admin, huge, "X-Strait-Signature", sign(huge));
        assertThat(res.statusCode()).isEqualTo(413);
        assertThat(fetches).isEmpty();
    }

    @Test
    void withoutASecretTheEndpointSaysHowToEnableIt() throws Exception {
        HttpResponse<String> res = post(disabled, PUSH, "X-GitHub-Event", "push", "X-Hub-Signature-256", sign(PUSH));
        assertThat(res.statusCode()).isEqualTo(501);
        assertThat(res.body()).contains("--webhook-secret-file");
    }
}
