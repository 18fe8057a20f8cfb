package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.kafka.TopicSnapshot;
import io.strait.bus.topic.Topics;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import io.strait.model.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bus janitor on a real (embedded) broker, with a real front and an ADS client: a revision's resources that the
 * next revision no longer names are tombstoned once the (short) retention has passed, while everything the live
 * manifests name stays; a tombstone for a resource a live manifest still names — what the janitor would leave if it
 * lost the race with a translator naming it again — is repaired by that translator, which writes the resource again;
 * and a front started afterwards, reading the topics from their start, serves the live config.
 */
class BusJanitorTest {
    private static final Duration RETENTION = Duration.ofSeconds(2);

    @Test
    void unnamedResourcesAreTombstonedNamedOnesStayAndALostRaceIsRepaired(@TempDir Path tmp) throws Exception {
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("config"));
             StraitNode node = new StraitNode(new NodeOptions(EnumSet.of(Role.INGEST, Role.TRANSLATE, Role.XDS), null, 0,
                     tmp.resolve("data"), mesh.configDir, "127.0.0.1", EmbeddedKafka.freePort(), 0, "front-j",
                     BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)).withJanitorRetention(RETENTION).start();
             AckingProxy a = new AckingProxy(node.xdsPort(), "team-a", 1);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(node.bus().producer("forged-janitor", null))) {
            BusConfig bus = node.bus();
            long t0 = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).until(() -> a.weight() == 20);
            System.out.printf("first revision acked after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            Set<String> first = liveHashes(bus);

            mesh.writeVirtualService(MeshFixture.split(69, 21, 10));
            await().atMost(Duration.ofSeconds(60)).until(() -> a.weight() == 21);
            Set<String> live = liveHashes(bus);
            Set<String> history = new HashSet<>(first);
            history.removeAll(live);
            assertThat(history).as("the first revision's route is no longer named").isNotEmpty();

            // after the retention the janitor tombstones the history, and only the history
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                Map<String, byte[]> resources = resources(bus);
                return history.stream().noneMatch(resources::containsKey);
            });
            assertThat(resources(bus).keySet()).containsAll(live);
            System.out.printf("%d unnamed resources tombstoned, %d named kept, at %d ms%n", history.size(), live.size(),
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(tombstones(node.adminPort())).isGreaterThanOrEqualTo(history.size());

            // the race lost: a tombstone for a resource the live manifest names; its translator writes it again
            String named = live.iterator().next();
            producer.send(new ProducerRecord<>(Topics.XDS_RESOURCES, named, null)).get();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> resources(bus).containsKey(named));
            assertThat(a.weight()).as("the front kept serving what a live manifest names").isEqualTo(21);
            assertThat(a.ended()).isNull();
            System.out.printf("lost race repaired at %d ms%n", (System.nanoTime() - t0) / 1_000_000);

            // a front started now reads the topics from their start and serves the live config
            try (StraitNode front = new StraitNode(new NodeOptions(EnumSet.of(Role.XDS), node.bootstrapServers(), 0,
                    tmp.resolve("data-front"), null, "127.0.0.1", EmbeddedKafka.freePort(), -1, "front-k",
                    BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)).start();
                 AckingProxy b = new AckingProxy(front.xdsPort(), "team-a", 2)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> b.weight() == 21);
                System.out.printf("a new front served the live config at %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            }
        }
    }

    /** Every hash the live manifests name, bundles' entries included. */
    private static Set<String> liveHashes(BusConfig bus) {
        Map<String, byte[]> resources = resources(bus);
        Set<String> out = new HashSet<>();
        for (byte[] value : TopicSnapshot.read(bus, Topics.XDS_SCOPES, Duration.ofSeconds(10)).values()) {
            ScopeManifest m = Json.read(value, ScopeManifest.class);
            out.addAll(m.contentHashes());
            for (String b : m.bundles().values()) {
                io.strait.bus.envelope.ResourceBundle.decode(resources.get(b)).entries().forEach(e -> out.add(e.hash()));
            }
        }
        return out;
    }

    private static Map<String, byte[]> resources(BusConfig bus) {
        return TopicSnapshot.read(bus, Topics.XDS_RESOURCES, Duration.ofSeconds(10));
    }

    private static double tombstones(int adminPort) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("^strait_janitor_tombstones_total\\{topic=\"" + Pattern.quote(Topics.XDS_RESOURCES) + "\"} (\\S+)$",
                Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
