package io.strait.it;

import static io.strait.it.MeshFixture.AUTHORITY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.topic.TopicDefinition;
import io.strait.bus.topic.TopicInstaller;
import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.cli.demo.ProxylessClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roles as separate processes on one broker — ingest, translate and xDS each in its own JVM, sharing nothing
 * but Kafka — pass the same acceptance: the weighted split, an edit seen by the client, an invalid edit rejected
 * whole with traffic unchanged.
 */
class SeparateProcessesTest {

    @Test
    void rolesInSeparateProcessesServeTheSameMesh(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("broker"), 0).start();
             MeshFixture mesh = new MeshFixture(tmp.resolve("config"))) {
            BusConfig bus = new BusConfig(kafka.bootstrapServers(), "it");
            try (Admin admin = Admin.create(bus.admin())) {
                TopicInstaller.ensure(admin, TopicDefinition.all(), (short) 1);
            }
            int xdsPort = EmbeddedKafka.freePort();
            List<String> common = List.of("--kafka", kafka.bootstrapServers(), "--admin-port", "-1");
            try (RoleProcess ingest = new RoleProcess("ingest", tmp.resolve("ingest"),
                         concat(common, "--config", mesh.configDir.toString(), "--data-dir", tmp.resolve("ingest").toString()));
                 RoleProcess translate = new RoleProcess("translate", tmp.resolve("translate"),
                         concat(common, "--data-dir", tmp.resolve("translate").toString()));
                 RoleProcess xds = new RoleProcess("xds", tmp.resolve("xds"),
                         concat(common, "--xds-port", String.valueOf(xdsPort), "--front-id", "front-p",
                                 "--data-dir", tmp.resolve("xds").toString()));
                 ProxylessClient client = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + xdsPort,
                         "productpage-2", "bookinfo", Map.of("app", "productpage")), AUTHORITY)) {
                await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                        .until(() -> client.call(Map.of(), 1000) != null);
                assertThat(List.of(ingest.isAlive(), translate.isAlive(), xds.isAlive())).containsOnly(true);

                // 2,000 calls: 4 points is then 3.9 standard deviations of a 70% share (2.8 at 1,000, which flaked once in CI)
                Traffic.assertSplit(client, Map.of("v1", 70, "v2", 20, "v3", 10), 2000, 5.0);
                Traffic.assertAll(client, Map.of("end-user", "jason"), "v2", 100);

                mesh.writeVirtualService(MeshFixture.all("v3"));
                // v3 already had 10% of the traffic: wait for a whole run of v3, not for one answer
                await().atMost(Duration.ofSeconds(30)).until(() -> Traffic.count(client, Map.of(), 20).keySet().equals(java.util.Set.of("v3")));
                Traffic.assertAll(client, Map.of(), "v3", 100);

                mesh.writeVirtualService(MeshFixture.split(70, 20, 60));
                await().atMost(Duration.ofSeconds(30)).until(() -> BusProbe.lastRejected(bus) != null);
                Traffic.assertAll(client, Map.of(), "v3", 300);
                String status = BusProbe.cli("status", "--kafka", kafka.bootstrapServers());
                System.out.print(status);
                assertThat(status).contains("front-p").contains("SYNCED").contains(MeshFixture.VS_FILE + ":")
                        .contains("sum to 150");
            }
        }
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }
}
