package io.strait.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.kafka.TopicSnapshot;
import io.strait.bus.topic.Topics;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strait apply}, {@code get} and {@code delete} against a real node: embedded Kafka, the ingest role, the admin
 * port; the folder source beside the api source defines other objects.
 */
class ApplyCommandTest {
    /** The host and its subsets travel with the route: a source is validated on its own. */
    private static final String REVIEWS = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews.bookinfo.svc.cluster.local]
              ports: [{number: 9080, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 127.0.0.1, labels: {version: v1}}, {address: 127.0.0.2, labels: {version: v2}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              host: reviews.bookinfo.svc.cluster.local
              subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              hosts: [reviews.bookinfo.svc.cluster.local]
              http:
              - route:
                - destination: {host: reviews.bookinfo.svc.cluster.local, subset: v1}
                  weight: %d
                - destination: {host: reviews.bookinfo.svc.cluster.local, subset: v2}
                  weight: %d
            """;
    private static final String RATINGS_DR = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: ratings, namespace: bookinfo}
            spec:
              host: ratings.bookinfo.svc.cluster.local
            """;

    private static StraitNode start(Path data, Path folder) throws Exception {
        return new StraitNode(new NodeOptions(EnumSet.of(Role.INGEST), null, 0, data, folder, "127.0.0.1",
                EmbeddedKafka.freePort(), 0, "front", BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)).start();
    }

    @Test
    void appliesAsOneRevisionOfApiRejectsWholeDeletesAndSurvivesARestart(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Path folder = Files.createDirectories(tmp.resolve("config"));
        Files.writeString(folder.resolve("ratings.yaml"), RATINGS_DR);
        Path good = Files.writeString(tmp.resolve("reviews.yaml"), REVIEWS.formatted(80, 20));
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), REVIEWS.formatted(80, 30));
        try (StraitNode node = start(data, folder)) {
            String port = String.valueOf(node.adminPort());
            Run applied = run("apply", "-f", good.toString(), "--admin-port", port, "--data-dir", data.toString());
            assertThat(applied.code()).as(applied.out()).isZero();
            assertThat(applied.out()).matches("(?s)revision [0-9a-f]{12} of api accepted: 3 resources, 3 changed\n.*");
            assertThat(origin(node, "VirtualService/bookinfo/reviews@api").source()).isEqualTo("api");

            Run table = run("get", "vs", "-n", "bookinfo", "--admin-port", port, "--data-dir", data.toString());
            assertThat(table.out()).contains("NAMESPACE").containsPattern("bookinfo\\s+reviews\\s+api\\s+[0-9a-f]{12}\\s+\\d+s");
            Run dr = run("get", "destinationrule", "--kafka", node.bootstrapServers());
            assertThat(dr.out()).containsPattern("bookinfo\\s+ratings\\s+folder:");
            Run yaml = run("get", "virtualservice", "reviews", "-n", "bookinfo", "-o", "yaml", "--kafka", node.bootstrapServers());
            assertThat(yaml.out()).contains("# source api, revision ", "from " + good + ":17", "kind: VirtualService", "weight: 80");

            // weights summing to 110: rejected with the file and line as the client named them, nothing published
            String revision = origin(node, "VirtualService/bookinfo/reviews@api").revision();
            Run rejected = run("apply", "-f", bad.toString(), "--admin-port", port, "--data-dir", data.toString());
            assertThat(rejected.code()).isEqualTo(1);
            assertThat(rejected.out()).contains(bad + ":").contains("REJECTED").contains("nothing was changed");
            assertThat(origin(node, "VirtualService/bookinfo/reviews@api").revision()).isEqualTo(revision);

            // the folder's objects are the folder's: the api source does not take them over
            Path steal = Files.writeString(tmp.resolve("steal.yaml"), RATINGS_DR);
            assertThat(run("apply", "-f", steal.toString(), "--admin-port", port, "--data-dir", data.toString()).out())
                    .contains(steal + ":1: DestinationRule bookinfo/ratings: is defined by source folder:");

            // the admin secret guards it: a wrong one is 401 and changes nothing
            HttpResponse<String> wrong = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/apply")).header("authorization", "Bearer guess").header("content-type", "application/yaml")
                    .POST(HttpRequest.BodyPublishers.ofString(REVIEWS.formatted(50, 50))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(401);
            HttpResponse<String> none = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/config?kind=vs")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).isEqualTo(401);
        }
        try (StraitNode restarted = start(data, folder)) {
            String port = String.valueOf(restarted.adminPort());
            Run kept = run("get", "vs", "reviews", "-n", "bookinfo", "-o", "json", "--admin-port", port, "--data-dir", data.toString());
            assertThat(kept.out()).contains("\"source\":\"api\"", "\"weight\":80");

            // applying the same again after the restart is the same revision: nothing to write
            Run again = run("apply", "-f", good.toString(), "--admin-port", port, "--data-dir", data.toString());
            assertThat(again.out()).contains("3 resources, 0 changed");

            Run deleted = run("delete", "vs", "reviews", "-n", "bookinfo", "--admin-port", port, "--data-dir", data.toString());
            assertThat(deleted.code()).isZero();
            assertThat(deleted.out()).contains("of api accepted: 2 resources, 1 changed");
            await().atMost(Duration.ofSeconds(30)).until(() -> !live(restarted).containsKey("VirtualService/bookinfo/reviews@api"));
            assertThat(run("get", "vs", "--admin-port", port, "--data-dir", data.toString()).out()).isEqualTo("No VirtualService found.\n");
            assertThat(run("get", "se", "--admin-port", port, "--data-dir", data.toString()).out()).contains("reviews");
            assertThat(run("delete", "vs", "reviews", "-n", "bookinfo", "--admin-port", port, "--data-dir", data.toString()).out())
                    .contains("not found");
        }
    }

    /** The config topic by record key ({@code Kind/namespace/name@source}, see ConfigKey). */
    private static Map<String, byte[]> live(StraitNode node) {
        return TopicSnapshot.read(node.bus(), Topics.CONFIG, Duration.ofSeconds(10));
    }

    private static io.strait.model.istio.Origin origin(StraitNode node, String key) {
        return ConfigCodec.decode(live(node).get(key)).origin();
    }

    record Run(int code, String out) {
    }

    private static Run run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            int code = Main.execute(args);
            return new Run(code, buf.toString());
        } finally {
            System.setOut(old);
        }
    }
}
