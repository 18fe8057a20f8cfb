package io.strait.ingest.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.kafka.TopicSnapshot;
import io.strait.bus.topic.TopicDefinition;
import io.strait.bus.topic.TopicInstaller;
import io.strait.bus.topic.Topics;
import io.strait.ingest.registry.RegistryHosts;
import io.strait.model.finding.Finding;
import io.strait.model.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster's Istio objects as config: created as CRD objects on the mock API server, validated against the
 * registry the same cluster publishes, accepted or rejected whole as revisions of {@code kubernetes:<cluster>}.
 */
class KubernetesConfigSourceTest {
    private static final KubernetesRegistrySource.Timing FAST =
            new KubernetesRegistrySource.Timing(Duration.ofMillis(20), Duration.ofMillis(300), Duration.ofSeconds(1));
    private static final ResourceDefinitionContext VS = IstioObjects.kinds().stream()
            .filter(k -> k.getKind().equals("VirtualService")).findFirst().orElseThrow();
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

    private static RevisionStatus status(String source) {
        byte[] v = TopicSnapshot.read(bus, Topics.REVISIONS, Duration.ofSeconds(10)).get(source);
        return v == null ? null : Json.read(v, RevisionStatus.class);
    }

    private static GenericKubernetesResource virtualService(String name, Map<String, Object> spec) {
        return new GenericKubernetesResourceBuilder().withApiVersion(VS.getGroup() + "/" + VS.getVersion()).withKind("VirtualService")
                .withNewMetadata().withNamespace("bookinfo").withName(name).endMetadata()
                .withAdditionalProperties(Map.of("spec", spec)).build();
    }

    @Test
    void aVirtualServiceToAClusterServiceIsAcceptedAndABadOneRejectedByName(@TempDir Path dir) throws Exception {
        String source = "kubernetes:cfg";
        try (MockCluster k = new MockCluster().start()) {
            k.installIstioCrds();
            KubernetesRegistrySourceTest.bookinfo(k, "10.9.0.5", "z1");
            KubernetesClusterOptions options = KubernetesClusterOptions.parse("kubeconfig=" + k.kubeconfig(dir, "cfg") + ",cluster=cfg,config=true", false);
            // the route's host is known only from the cluster's registry: no ServiceEntry, no Service document
            Map<String, Object> good = Map.of("hosts", List.of("reviews"), "http", List.of(Map.of("route",
                    List.of(Map.of("destination", Map.of("host", "reviews.bookinfo.svc.cluster.local", "port", Map.of("number", 9080)))))));
            k.client().genericKubernetesResources(VS).inNamespace("bookinfo").resource(virtualService("reviews", good)).create();
            try (KubernetesRegistrySource registry = new KubernetesRegistrySource(bus, options, FAST).start()) {
                await().atMost(Duration.ofSeconds(20)).until(() -> TopicSnapshot.read(bus, Topics.ENDPOINTS, Duration.ofSeconds(10))
                        .containsKey("cfg/bookinfo/reviews"));
                try (RegistryHosts hosts = new RegistryHosts(bus).start(Duration.ofSeconds(10));
                     KubernetesConfigSource config = new KubernetesConfigSource(bus, options, hosts, Duration.ofMillis(50)).start()) {
                    RevisionStatus accepted = await().atMost(Duration.ofSeconds(60)).until(() -> status(source),
                            s -> s != null && s.live() != null);
                    assertThat(accepted.live().resources()).isEqualTo(1);
                    assertThat(accepted.live().warnings()).extracting(Finding::code).doesNotContain("IST0101", "STR0005");
                    assertThat(TopicSnapshot.read(bus, Topics.CONFIG, Duration.ofSeconds(10)))
                            .containsKey("VirtualService/bookinfo/reviews@" + source);
                    String live = accepted.live().revision();

                    // a field of the wrong type and one that does not exist: the whole revision is refused, by name
                    Map<String, Object> bad = Map.of("hosts", List.of("ratings"), "htp", List.of(),
                            "http", List.of(Map.of("timeout", 5, "route", List.of(Map.of("destination", Map.of("host", "reviews.bookinfo.svc.cluster.local"))))));
                    k.client().genericKubernetesResources(VS).inNamespace("bookinfo").resource(virtualService("broken", bad)).create();
                    RevisionStatus rejected = await().atMost(Duration.ofSeconds(60)).until(() -> status(source),
                            s -> s.lastRejected() != null);
                    assertThat(rejected.live().revision()).as("the last good revision stays live").isEqualTo(live);
                    List<String> errors = rejected.lastRejected().findings().stream().filter(Finding::isError).map(Finding::describe).toList();
                    assertThat(errors).isNotEmpty().allSatisfy(e -> assertThat(e).contains("VirtualService/bookinfo/broken"));
                    assertThat(String.join("\n", errors)).contains("htp").contains("timeout");
                    assertThat(TopicSnapshot.read(bus, Topics.CONFIG, Duration.ofSeconds(10)))
                            .doesNotContainKey("VirtualService/bookinfo/broken@" + source);

                    // fixed: the broken one goes, another good one comes, and a new revision is live with both good ones
                    k.client().genericKubernetesResources(VS).inNamespace("bookinfo").withName("broken").delete();
                    k.client().genericKubernetesResources(VS).inNamespace("bookinfo").resource(virtualService("reviews-b",
                            Map.of("hosts", List.of("reviews.example.com"), "http", good.get("http")))).create();
                    RevisionStatus fixed = await().atMost(Duration.ofSeconds(60)).until(() -> status(source),
                            s -> s.live().resources() == 2);
                    assertThat(fixed.live().revision()).isNotEqualTo(live);
                }
            }
        }
    }
}
