package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.rpc.Status;
import com.sun.net.httpserver.HttpServer;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.bus.envelope.CommitInfo;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.topic.Topics;
import io.strait.cli.demo.ProxylessClient;
import io.strait.cli.notify.NotifyOptions;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import io.strait.model.json.Json;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revision events reach real HTTP receivers (the JDK's server): signed JSON for a folder revision that real proxies
 * apply or refuse, and GitHub commit statuses, pending → success, at a local server standing in for the forge.
 */
class NotificationTest {
    private static final byte[] SECRET = "notify-secret-for-tests".getBytes(StandardCharsets.UTF_8);
    private static final String TOKEN = "ghp_test-token-never-logged";

    /** One request a receiver got. */
    record Received(String path, String signature, String authorization, String body) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer receiver;

    @BeforeEach
    void listen() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("X-Strait-Signature"),
                    ex.getRequestHeaders().getFirst("Authorization"), body));
            // the forge answers as GitHub does: 201 Created, 401 without the token
            int code = ex.getRequestURI().getPath().startsWith("/repos/")
                    ? ("Bearer " + TOKEN).equals(ex.getRequestHeaders().getFirst("Authorization")) ? 201 : 401 : 200;
            ex.sendResponseHeaders(code, -1);
            ex.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + path);
    }

    private static StraitNode start(Path tmp, Path config, NotifyOptions notify) throws Exception {
        return new StraitNode(new NodeOptions(EnumSet.allOf(Role.class), null, 0, tmp.resolve("data"), config, "127.0.0.1",
                EmbeddedKafka.freePort(), -1, "front-n", BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS).withHooks(null, notify)).start();
    }

    private static String hmac(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> events(String path) {
        return received.stream().filter(r -> r.path().equals(path))
                .map(r -> (Map<String, Object>) Json.read(r.body().getBytes(StandardCharsets.UTF_8), Map.class)).toList();
    }

    @Test
    void aFolderRevisionIsAnnouncedAcceptedThenAppliedBySignedEvents(@TempDir Path tmp) throws Exception {
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("config"));
             StraitNode node = start(tmp, mesh.configDir, new NotifyOptions(List.of(url("/hook")), SECRET, null, null));
             ProxylessClient client = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(), "productpage-1",
                     "bookinfo", Map.of("app", "productpage")), MeshFixture.AUTHORITY)) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> client.call(Map.of(), 1000) != null);
            String before = BusProbe.source(node.bus()).liveRevision();
            mesh.writeVirtualService(MeshFixture.all("v2"));
            await().atMost(Duration.ofSeconds(30)).until(() -> !BusProbe.source(node.bus()).liveRevision().equals(before));
            String revision = BusProbe.source(node.bus()).liveRevision();
            await().atMost(Duration.ofSeconds(30)).until(() -> events("/hook").stream()
                    .anyMatch(e -> e.get("revision").equals(revision) && e.get("event").equals("applied")));
            List<String> forRevision = events("/hook").stream().filter(e -> e.get("revision").equals(revision)).map(e -> (String) e.get("event")).toList();
            assertThat(forRevision).containsExactly("accepted", "applied");
            Map<String, Object> applied = events("/hook").stream().filter(e -> e.get("revision").equals(revision) && e.get("event").equals("applied")).findFirst().orElseThrow();
            assertThat(applied.get("source")).isEqualTo("folder:config");
            assertThat(applied.get("proxies").toString()).contains("applied=1").contains("total=1");
            for (Received r : received) {
                assertThat(r.signature()).as("every event is signed with the notify secret").isEqualTo(hmac(r.body()));
            }
            System.out.println("events: " + received.stream().map(Received::body).toList());
        }
    }

    @Test
    void aProxyThatRefusesARevisionProducesANackedEvent(@TempDir Path tmp) throws Exception {
        String rds = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("config"));
             StraitNode node = start(tmp, mesh.configDir, new NotifyOptions(List.of(url("/hook")), SECRET, null, null));
             RawAdsStream ads = new RawAdsStream(node.xdsPort())) {
            ads.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(rds).addResourceNames(MeshFixture.AUTHORITY).build());
            DiscoveryResponse first = ads.next(30);
            assertThat(first).isNotNull();
            ads.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(rds).addResourceNames(MeshFixture.AUTHORITY)
                    .setResponseNonce(first.getNonce()).setErrorDetail(Status.newBuilder().setCode(3).setMessage("refused by the test")).build());
            await().atMost(Duration.ofSeconds(30)).until(() -> events("/hook").stream().anyMatch(e -> e.get("event").equals("nacked")));
            Map<String, Object> nacked = events("/hook").stream().filter(e -> e.get("event").equals("nacked")).findFirst().orElseThrow();
            assertThat(nacked.get("revision")).isEqualTo(BusProbe.source(node.bus()).liveRevision());
            assertThat(nacked.get("nacks").toString()).contains("refused by the test");
            // "applied" may have been announced at 0/0, before the proxy connected (as wait returns at once then); never by it
            assertThat(events("/hook")).filteredOn(e -> e.get("event").equals("applied") && e.get("revision").equals(nacked.get("revision")))
                    .allSatisfy(e -> assertThat(e.get("proxies").toString()).contains("total=0"));
        }
    }

    @Test
    void aGitCommitGetsPendingThenSuccessOnTheForge(@TempDir Path tmp) throws Exception {
        // the git source is built elsewhere: its status is published here as ingest will write it
        String sha = "4f0c2d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e";
        String source = "git:https://127.0.0.1/acme/mesh-config.git@main";
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("config"));
             StraitNode node = start(tmp, mesh.configDir, new NotifyOptions(List.of(), null, TOKEN, url("/")))) {
            long now = System.currentTimeMillis();
            CommitInfo commit = new CommitInfo(sha, "Shift reviews to v2", "Ada <ada@example.com>", now - 2000, now - 1000);
            RevisionStatus status = RevisionStatus.none(source).accept(new RevisionStatus.Accepted(sha, 3, 3, now, List.of(), commit));
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(node.bus().producer("test", null))) {
                producer.send(new ProducerRecord<>(Topics.REVISIONS, source, Json.write(status))).get();
            }
            String path = "/repos/acme/mesh-config/statuses/" + sha;
            await().atMost(Duration.ofSeconds(30)).until(() -> events(path).stream().anyMatch(e -> "success".equals(e.get("state"))));
            List<Map<String, Object>> statuses = events(path);
            assertThat(statuses.stream().map(e -> e.get("state")).toList()).containsExactly("pending", "success");
            assertThat(statuses).allSatisfy(e -> assertThat(e.get("context")).isEqualTo("strait/rollout"));
            assertThat(statuses.get(1).get("description").toString()).startsWith("Applied by 0/0 proxies");
            assertThat(received).allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer " + TOKEN));
            // the folder source is no GitHub repository: nothing was posted for it
            assertThat(received).allSatisfy(r -> assertThat(r.path()).isEqualTo(path));
        }
    }
}
