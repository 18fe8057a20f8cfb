package io.strait.ingest.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.strait.bus.envelope.ClusterService;
import io.strait.bus.envelope.RegistryStatus;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.kafka.TopicSnapshot;
import io.strait.bus.topic.TopicDefinition;
import io.strait.bus.topic.TopicInstaller;
import io.strait.bus.topic.Topics;
import io.strait.model.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry source against fabric8's mock API server in CRUD mode and a real broker. */
class KubernetesRegistrySourceTest {
    private static final KubernetesRegistrySource.Timing FAST =
            new KubernetesRegistrySource.Timing(Duration.ofMillis(20), Duration.ofMillis(300), Duration.ofSeconds(1));
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

    static Map<String, byte[]> endpoints() {
        return TopicSnapshot.read(bus, Topics.ENDPOINTS, Duration.ofSeconds(10));
    }

    static ClusterService record(String key) {
        byte[] v = endpoints().get(key);
        return v == null ? null : Json.read(v, ClusterService.class);
    }

    static RegistryStatus status(String cluster) {
        byte[] v = TopicSnapshot.read(bus, Topics.REGISTRIES, Duration.ofSeconds(10)).get(cluster);
        return v == null ? null : Json.read(v, RegistryStatus.class);
    }

    /** Every record written for a key, tombstones as null, in order. */
    static List<ClusterService> history(String key) {
        List<ClusterService> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(bus.consumer("t", null))) {
            List<TopicPartition> parts = c.partitionsFor(Topics.ENDPOINTS).stream().map(p -> new TopicPartition(Topics.ENDPOINTS, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.currentTimeMillis() + 10_000;
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        out.add(r.value() == null ? null : Json.read(r.value(), ClusterService.class));
                    }
                }
            }
        }
        return out;
    }

    static void bookinfo(MockCluster k, String ip, String zone) {
        k.namespace("bookinfo", Map.of());
        k.node("node-a", "eu-west", zone);
        Pod p = MockCluster.pod("bookinfo", "reviews-1", ip, "node-a",
                Map.of("app", "reviews", "version", "v1", "security.istio.io/tlsMode", "istio"));
        k.client().pods().resource(p).create();
        k.client().services().resource(MockCluster.service("bookinfo", "reviews", "10.96.0.10", 9080)).create();
        k.client().discovery().v1().endpointSlices().resource(MockCluster.slice("bookinfo", "reviews", "reviews-abc", 9080, false, p)).create();
    }

    @Test
    void publishesServicesWithTheirEndpointsUpdatesAndTombstones(@TempDir Path dir) throws Exception {
        try (MockCluster k = new MockCluster().start()) {
            bookinfo(k, "10.1.0.5", "eu-west-1a");
            k.client().services().resource(new io.fabric8.kubernetes.api.model.ServiceBuilder(MockCluster.service("bookinfo", "dup", "10.96.0.12", 80))
                    .editSpec().addNewPort().withName("http-alt").withPort(80).endPort().endSpec().build()).create();
            KubernetesClusterOptions options = KubernetesClusterOptions.parse("kubeconfig=" + k.kubeconfig(dir, "east") + ",cluster=east,network=net-east", false);
            try (KubernetesRegistrySource source = new KubernetesRegistrySource(bus, options, FAST).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> record("east/bookinfo/reviews") != null);
                ClusterService svc = record("east/bookinfo/reviews");
                assertThat(svc.cluster()).isEqualTo("east");
                assertThat(svc.network()).isEqualTo("net-east");
                assertThat(svc.hostname()).isEqualTo("reviews.bookinfo.svc.cluster.local");
                assertThat(svc.addresses()).containsExactly("10.96.0.10");
                assertThat(svc.ports()).containsExactly(new ClusterService.Port("http", 9080, "HTTP", 9080));
                assertThat(svc.endpoints()).hasSize(1);
                ClusterService.Endpoint ep = svc.endpoints().get(0);
                assertThat(ep.address()).isEqualTo("10.1.0.5");
                assertThat(ep.ports()).containsEntry("http", 9080);
                assertThat(ep.health()).isEqualTo("HEALTHY");
                assertThat(ep.serviceAccount()).isEqualTo("reviews");
                assertThat(ep.locality()).isEqualTo("eu-west/eu-west-1a");
                assertThat(ep.pod()).isEqualTo("reviews-1");
                assertThat(ep.labels()).containsEntry("app", "reviews").containsEntry("security.istio.io/tlsMode", "istio")
                        .containsEntry("topology.istio.io/cluster", "east").containsEntry("topology.istio.io/network", "net-east");
                await().atMost(Duration.ofSeconds(10)).until(() -> status("east") != null && status("east").connected());
                assertThat(status("east").services()).isEqualTo(1);
                assertThat(status("east").error()).as("a Service whose ports conflict is named, the others are served")
                        .contains("cluster east: Service bookinfo/dup is left out").contains("port 80/TCP");
                assertThat(endpoints()).doesNotContainKey("east/bookinfo/dup");
                assertThat(status("east").endpoints()).isEqualTo(1);

                // the slice goes: the Service stays, without endpoints
                k.client().discovery().v1().endpointSlices().inNamespace("bookinfo").withName("reviews-abc").delete();
                await().atMost(Duration.ofSeconds(10)).until(() -> record("east/bookinfo/reviews").endpoints().isEmpty());

                // the Service goes: a tombstone
                k.client().services().inNamespace("bookinfo").withName("reviews").delete();
                await().atMost(Duration.ofSeconds(10)).until(() -> !endpoints().containsKey("east/bookinfo/reviews"));
                List<ClusterService> all = history("east/bookinfo/reviews");
                assertThat(all.get(all.size() - 1)).isNull();
            }
        }
    }

    @Test
    void anUnreachableApiServerKeepsEndpointsAndResyncsWhenBack(@TempDir Path dir) throws Exception {
        try (MockCluster k = new MockCluster().start()) {
            bookinfo(k, "10.2.0.5", "eu-west-1b");
            k.client().services().resource(MockCluster.service("bookinfo", "ratings", "10.96.0.11", 9080)).create();
            KubernetesClusterOptions options = KubernetesClusterOptions.parse("kubeconfig=" + k.kubeconfig(dir, "west") + ",cluster=west", false);
            try (KubernetesRegistrySource source = new KubernetesRegistrySource(bus, options, FAST).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> record("west/bookinfo/reviews") != null
                        && record("west/bookinfo/ratings") != null);
                int written = history("west/bookinfo/reviews").size();

                k.stop();
                await().atMost(Duration.ofSeconds(20)).until(() -> status("west") != null && !status("west").connected());
                RegistryStatus stale = status("west");
                assertThat(stale.staleSince()).isPositive();
                assertThat(stale.error()).contains("unreachable");
                assertThat(stale.services()).isEqualTo(2);
                assertThat(endpoints()).containsKeys("west/bookinfo/reviews", "west/bookinfo/ratings");
                assertThat(history("west/bookinfo/reviews")).hasSize(written).doesNotContainNull();

                // while it was away, ratings was deleted: the resync tombstones it and keeps reviews as it was
                k.start();
                k.client().services().inNamespace("bookinfo").withName("ratings").delete();
                await().atMost(Duration.ofSeconds(20)).until(() -> status("west").connected());
                await().atMost(Duration.ofSeconds(10)).until(() -> !endpoints().containsKey("west/bookinfo/ratings"));
                assertThat(record("west/bookinfo/reviews").endpoints()).hasSize(1);
                assertThat(history("west/bookinfo/reviews")).hasSize(written);
                assertThat(status("west").staleSince()).isZero();
            }
        }
    }

    @Test
    void twoClustersPublishUnderTheirIdsAndARestartRepublishesNothing(@TempDir Path dir) throws Exception {
        try (MockCluster one = new MockCluster().start(); MockCluster two = new MockCluster().start()) {
            bookinfo(one, "10.3.0.5", "z1");
            bookinfo(two, "10.4.0.5", "z2");
            KubernetesClusterOptions a = KubernetesClusterOptions.parse("kubeconfig=" + one.kubeconfig(dir, "one") + ",cluster=one", false);
            KubernetesClusterOptions b = KubernetesClusterOptions.parse("kubeconfig=" + two.kubeconfig(dir, "two") + ",cluster=two", false);
            try (KubernetesRegistrySource sa = new KubernetesRegistrySource(bus, a, FAST).start();
                 KubernetesRegistrySource sb = new KubernetesRegistrySource(bus, b, FAST).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> record("one/bookinfo/reviews") != null && record("two/bookinfo/reviews") != null);
                assertThat(record("one/bookinfo/reviews").endpoints().get(0).address()).isEqualTo("10.3.0.5");
                assertThat(record("two/bookinfo/reviews").endpoints().get(0).address()).isEqualTo("10.4.0.5");
                assertThat(record("two/bookinfo/reviews").endpoints().get(0).labels()).containsEntry("topology.istio.io/cluster", "two");
            }
            int before = history("one/bookinfo/reviews").size();
            // a deletion while the source is down is tombstoned at its next start; what did not change is not written again
            two.client().services().inNamespace("bookinfo").withName("reviews").delete();
            try (KubernetesRegistrySource sa = new KubernetesRegistrySource(bus, a, FAST).start();
                 KubernetesRegistrySource sb = new KubernetesRegistrySource(bus, b, FAST).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> !endpoints().containsKey("two/bookinfo/reviews"));
                await().atMost(Duration.ofSeconds(10)).until(() -> status("one").connected() && status("one").syncedAt() > 0);
                assertThat(history("one/bookinfo/reviews")).hasSize(before);
            }
        }
    }

    @Test
    void aBadClusterNeverStopsTheOthers(@TempDir Path dir) throws Exception {
        try (MockCluster good = new MockCluster().start()) {
            bookinfo(good, "10.5.0.5", "z1");
            KubernetesClusterOptions ok = KubernetesClusterOptions.parse("kubeconfig=" + good.kubeconfig(dir, "good") + ",cluster=good", false);
            Path nowhere = dir.resolve("nowhere.kubeconfig");
            java.nio.file.Files.writeString(nowhere, java.nio.file.Files.readString(good.kubeconfig(dir, "good"))
                    .replace("localhost:" + good.client().getMasterUrl().getPort(), "localhost:1"));
            KubernetesClusterOptions bad = KubernetesClusterOptions.parse("kubeconfig=" + nowhere + ",cluster=nowhere", false);
            try (KubernetesRegistrySource sb = new KubernetesRegistrySource(bus, bad, FAST).start();
                 KubernetesRegistrySource sg = new KubernetesRegistrySource(bus, ok, FAST).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> record("good/bookinfo/reviews") != null);
                await().atMost(Duration.ofSeconds(20)).until(() -> status("nowhere") != null && !status("nowhere").connected());
                assertThat(status("nowhere").error()).contains("unreachable");
            }
        }
    }
}
