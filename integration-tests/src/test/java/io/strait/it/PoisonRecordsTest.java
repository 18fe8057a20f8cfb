package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strait.bus.envelope.ProxyRegistration;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison on a live bus: garbage bytes, an unknown envelope version and a truncated value on every topic a role
 * reads — config for the translator, proxies for the translator, the xDS resources, scopes and endpoints for the
 * front (some under the key of a live scope), proxy-status for {@code strait status}. Every role keeps running, both
 * proxies get the next revision, status still answers, each skip is counted per topic in
 * {@code strait_bus_poison_records_total}, and a registration written by a "newer Strait" with fields this one does
 * not know is read: its scope is translated.
 */
class PoisonRecordsTest {

    @Test
    void poisonIsSkippedCountedAndTheMeshGoesOn(@TempDir Path tmp) throws Exception {
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("config"));
             StraitNode node = new StraitNode(new NodeOptions(EnumSet.of(Role.INGEST, Role.TRANSLATE, Role.XDS), null, 0,
                     tmp.resolve("data"), mesh.configDir, "127.0.0.1", EmbeddedKafka.freePort(), 0, "front-p",
                     BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)).start();
             AckingProxy a = new AckingProxy(node.xdsPort(), "team-a", 1);
             AckingProxy b = new AckingProxy(node.xdsPort(), "team-b", 2);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(node.bus().producer("poison", null))) {
            BusConfig bus = node.bus();
            await().atMost(Duration.ofSeconds(60)).until(() -> a.weight() == 20 && b.weight() == 20);
            String scopeA = BusProbe.status(bus).proxies().stream().filter(p -> p.registration().proxyId().equals(a.node.getId()))
                    .findFirst().orElseThrow().registration().scope();

            byte[] garbage = {0x01, (byte) 0xff, 0x00, 'x', '{'};
            send(producer, Topics.CONFIG, "VirtualService/bookinfo/poison@folder:config", garbage);
            send(producer, Topics.CONFIG, "DestinationRule/bookinfo/future@folder:config",
                    "{\"v\":99,\"kind\":\"DestinationRule\",\"spec\":{}}".getBytes(StandardCharsets.UTF_8));
            send(producer, Topics.CONFIG, "DestinationRule/bookinfo/cut@folder:config",
                    "{\"v\":1,\"apiVersion\":\"networking.istio.io/v1\",\"kind\":\"DestinationRule\",\"metadata\":{\"na"
                            .getBytes(StandardCharsets.UTF_8));
            send(producer, Topics.XDS_RESOURCES, "0123456789abcdef0123456789abcdef", garbage);
            send(producer, Topics.XDS_RESOURCES, "fedcba9876543210fedcba9876543210", new byte[] {1, 0x0a, 0x05, 't', 'y'});
            send(producer, Topics.XDS_SCOPES, scopeA, garbage);
            send(producer, Topics.XDS_SCOPES, scopeA, ("{\"v\":99,\"scope\":\"" + scopeA + "\",\"generation\":" + Long.MAX_VALUE + "}")
                    .getBytes(StandardCharsets.UTF_8));
            send(producer, Topics.XDS_ENDPOINTS, "outbound|9080|v1|" + MeshFixture.HOST, "{\"v\":1,\"cluster\":".getBytes(StandardCharsets.UTF_8));
            send(producer, Topics.PROXIES, "poison-proxy", garbage);
            send(producer, Topics.PROXIES, "future-version-proxy", "{\"v\":2,\"proxyId\":\"x\"}".getBytes(StandardCharsets.UTF_8));
            // written by a newer Strait: more fields than this one knows, same envelope version: read
            ProxyRegistration future = new ProxyRegistration(1, "future~10.0.0.9~app-9.team-z~team-z.svc.cluster.local",
                    "team-z.future-scope", "GRPC", "team-z", "default", "Kubernetes", Map.of("app", "future"), "10.0.0.9",
                    "front-p", System.currentTimeMillis(), "");
            ObjectNode newer = Json.MAPPER.valueToTree(future);
            newer.put("workloadGeneration", 7).putObject("attestation").put("kind", "tpm");
            send(producer, Topics.PROXIES, future.proxyId(), Json.write(newer));
            producer.flush();

            // the next revision reaches both proxies: nothing above stopped a role or held another scope
            mesh.writeVirtualService(MeshFixture.split(69, 21, 10));
            await().atMost(Duration.ofSeconds(60)).until(() -> a.weight() == 21 && b.weight() == 21);
            await().atMost(Duration.ofSeconds(60)).until(() -> TopicSnapshot.read(bus, Topics.XDS_SCOPES, Duration.ofSeconds(10))
                    .containsKey("team-z.future-scope"));

            // a poisoned status record: strait status still answers, with the other proxy's status
            send(producer, Topics.PROXY_STATUS, b.node.getId(), garbage);
            producer.flush();
            String status = BusProbe.cli("status", "--kafka", node.bootstrapServers());
            assertThat(status).contains(a.node.getId());

            String metrics = metrics(node.adminPort());
            assertThat(poison(metrics, Topics.CONFIG)).isGreaterThanOrEqualTo(3);
            assertThat(poison(metrics, Topics.XDS_RESOURCES)).isGreaterThanOrEqualTo(2);
            assertThat(poison(metrics, Topics.XDS_SCOPES)).isGreaterThanOrEqualTo(2);
            assertThat(poison(metrics, Topics.XDS_ENDPOINTS)).isGreaterThanOrEqualTo(1);
            assertThat(poison(metrics, Topics.PROXIES)).isGreaterThanOrEqualTo(2);
            assertThat(poison(metrics, Topics.PROXY_STATUS)).isGreaterThanOrEqualTo(1);
            assertThat(a.ended()).isNull();
            assertThat(b.ended()).isNull();
            System.out.println("poison skipped and counted: " + metrics.lines().filter(l -> l.startsWith("strait_bus_poison")).toList());
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    private static String metrics(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    private static double poison(String metrics, String topic) {
        Matcher m = Pattern.compile("^strait_bus_poison_records_total\\{topic=\"" + Pattern.quote(topic) + "\"} (\\S+)$", Pattern.MULTILINE)
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
