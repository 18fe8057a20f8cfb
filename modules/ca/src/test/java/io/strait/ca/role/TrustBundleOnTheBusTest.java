package io.strait.ca.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.bus.envelope.TrustBundle;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.kafka.TopicSnapshot;
import io.strait.bus.topic.TopicDefinition;
import io.strait.bus.topic.TopicInstaller;
import io.strait.bus.topic.Topics;
import io.strait.ca.TestPki;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.Pem;
import io.strait.model.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trust bundle reaches strait.trust.v1 at start and again when a plugged-in root is rotated; no key ever does. */
class TrustBundleOnTheBusTest {

    @Test
    void publishesTheRootsAtStartAndAfterARotation(@TempDir Path tmp) throws Exception {
        var oldRoot = TestPki.root("CN=Old Root");
        var oldCa = TestPki.intermediate(oldRoot, "CN=Mesh CA", Instant.now().plus(Duration.ofDays(365)));
        Path dir = TestPki.cacerts(tmp.resolve("cacerts"), oldCa, List.of(oldCa.cert(), oldRoot.cert()), List.of(oldRoot.cert()));
        try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("kafka"), EmbeddedKafka.freePort()).start()) {
            BusConfig bus = new BusConfig(kafka.bootstrapServers(), "test");
            try (Admin admin = Admin.create(bus.admin())) {
                TopicInstaller.ensure(admin, TopicDefinition.all(), (short) 1);
            }
            CaOptions o = new CaOptions(dir, true, KeyType.ECDSA, "cluster.local", "127.0.0.1", 0, List.of(),
                    Duration.ofHours(24), Duration.ofSeconds(1), "ca-a");
            try (CaRole ca = new CaRole(o, bus, Clock.systemUTC(), List.of()).start()) {
                TrustBundle first = bundle(bus);
                assertThat(first.trustDomain()).isEqualTo("cluster.local");
                assertThat(first.roots()).containsExactly(Pem.of(oldRoot.cert()));

                // rotation with overlap: a new root and a CA under it, the old root still trusted
                var newRoot = TestPki.root("CN=New Root");
                var newCa = TestPki.intermediate(newRoot, "CN=Mesh CA 2", Instant.now().plus(Duration.ofDays(365)));
                TestPki.cacerts(tmp.resolve("next"), newCa, List.of(newCa.cert(), newRoot.cert()), List.of(oldRoot.cert(), newRoot.cert()));
                for (String f : List.of("root-cert.pem", "cert-chain.pem", "ca-cert.pem", "ca-key.pem")) {
                    Files.copy(tmp.resolve("next").resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        assertThat(bundle(bus).roots()).containsExactly(Pem.of(oldRoot.cert()), Pem.of(newRoot.cert())));
                assertThat(ca.keys().root()).isEqualTo(newRoot.cert());
            }
            for (byte[] value : TopicSnapshot.read(bus, Topics.TRUST, Duration.ofSeconds(10)).values()) {
                assertThat(new String(value, StandardCharsets.UTF_8)).doesNotContain("PRIVATE KEY");
            }
        }
    }

    private static TrustBundle bundle(BusConfig bus) {
        Map<String, byte[]> latest = TopicSnapshot.read(bus, Topics.TRUST, Duration.ofSeconds(10));
        assertThat(latest).containsOnlyKeys("cluster.local");
        return Json.read(latest.get("cluster.local"), TrustBundle.class);
    }
}
