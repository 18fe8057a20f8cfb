package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.bus.envelope.ClusterService;
import io.strait.bus.envelope.EndpointAssignment;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.topic.Topics;
import io.strait.cli.demo.Backends;
import io.strait.cli.demo.ProxylessClient;
import io.strait.cli.runtime.StraitNode;
import io.strait.model.json.Json;
import io.strait.bus.wire.ResourceCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-cluster: one Kubernetes Service with endpoints in two clusters, as their registry sources publish it on
 * {@code strait.endpoints.v1} (a test publisher stands in for the Kubernetes source), merged by hostname into one
 * service that real proxyless gRPC clients call. Config comes once, from the folder source. Endpoint moves are served
 * as assignments by name (no scope manifest rewritten), a port change re-translates the scope, an emptied cluster
 * moves all traffic to the other, and locality failover crosses clusters.
 */
class MultiClusterRegistryTrafficTest {
    private static final String HOST = "reviews.bookinfo.svc.cluster.local";
    private static final String CLUSTER = "outbound|9080||" + HOST;

    /**
     * The routes, from git or a folder: config comes once for every cluster. The ServiceEntry for the same host is
     * there for ingest, whose reference checks do not know the registry yet; the Kubernetes Service takes the host
     * from it (the precedence rule), so every endpoint below comes from the clusters.
     */
    private static final String ROUTES = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: reviews-placeholder, namespace: bookinfo}
            spec:
              hosts: [reviews.bookinfo.svc.cluster.local]
              ports: [{number: 9080, name: grpc, protocol: GRPC}]
              resolution: STATIC
              endpoints: [{address: 127.0.0.9}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews]
              http:
              - match: [{headers: {x-cluster: {exact: two}}}]
                route: [{destination: {host: reviews, subset: cluster-2}}]
              - route: [{destination: {host: reviews}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              host: reviews
              subsets: [{name: cluster-2, labels: {topology.istio.io/cluster: cluster-2}}]
            """;

    @Test
    void aServiceInTwoClustersIsServedFromBothAndEndpointMovesGoByName(@TempDir Path tmp) throws Exception {
        int[] ports = EmbeddedKafka.freePorts(3);
        Path config = tmp.resolve("config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("reviews.yaml"), ROUTES);
        try (Backends backends = new Backends();
             StraitNode node = InProcess.start(tmp.resolve("data"), config, "front-mc", true);
             KafkaProducer<String, byte[]> registry = new KafkaProducer<>(node.bus().producer("test-registry", null))) {
            backends.start("127.0.0.1", ports[0], "c1-pod");
            backends.start("127.0.0.2", ports[1], "c2-pod");
            backends.start("127.0.0.3", ports[2], "c2-pod-b");
            publish(registry, record("cluster-1", 9080, endpoint("127.0.0.1", ports[0], "eu-west/a")));
            publish(registry, record("cluster-2", 9080, endpoint("127.0.0.2", ports[1], "us-east/a")));
            try (ProxylessClient client = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(), "web-1",
                    "bookinfo", Map.of("app", "web")), HOST + ":9080")) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> Traffic.count(client, Map.of(), 20).keySet().equals(Set.of("c1-pod", "c2-pod")));
                Traffic.assertSplit(client, Map.of("c1-pod", 50, "c2-pod", 50), 500, 10);
                Traffic.assertAll(client, Map.of("x-cluster", "two"), "c2-pod", 20); // a subset by the pods' cluster label

                // the scope is served the cluster by name, and its assignment holds both clusters' endpoints
                Map<String, ScopeManifest> manifests = latest(node, Topics.XDS_SCOPES, ScopeManifest.class);
                assertThat(manifests.values()).anySatisfy(m -> assertThat(m.endpoints()).contains(CLUSTER));
                assertThat(addresses(latest(node, Topics.XDS_ENDPOINTS, EndpointAssignment.class).get(CLUSTER)))
                        .containsExactlyInAnyOrder("127.0.0.1:" + ports[0], "127.0.0.2:" + ports[1]);

                // an endpoint joins cluster-2: the assignments change by name, no manifest is rewritten
                Map<TopicPartition, Long> scopesAt = ends(node, Topics.XDS_SCOPES);
                Map<TopicPartition, Long> endpointsAt = ends(node, Topics.XDS_ENDPOINTS);
                publish(registry, record("cluster-2", 9080, endpoint("127.0.0.2", ports[1], "us-east/a"),
                        endpoint("127.0.0.3", ports[2], "us-east/a")));
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> Traffic.count(client, Map.of(), 30).keySet().equals(Set.of("c1-pod", "c2-pod", "c2-pod-b")));
                assertThat(keysSince(node, Topics.XDS_ENDPOINTS, endpointsAt)).contains(CLUSTER, "outbound|9080|cluster-2|" + HOST);
                assertThat(ends(node, Topics.XDS_SCOPES)).isEqualTo(scopesAt);
                // rollout tracking of the config revision is not held back by endpoint churn
                String revision = BusProbe.source(node.bus()).live().revision();
                assertThat(BusProbe.cli("wait", "--revision", revision, "--timeout", "30s", "--admin-port",
                        String.valueOf(node.adminPort()))).contains("applied by all 1 proxies");

                // cluster-1 loses its endpoints: within 2 s every call goes to cluster-2
                publish(registry, record("cluster-1", 9080));
                long emptied = System.nanoTime();
                // 40 calls per look: with 10, a look could see only cluster-2 by chance before the change arrived
                // ((2/3)^10 ≈ 2 % a look; CI once passed the wait at 58 ms and then met c1-pod)
                await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
                        .until(() -> Set.of("c2-pod", "c2-pod-b").containsAll(Traffic.count(client, Map.of(), 40).keySet()));
                System.out.printf("cluster-1 emptied -> all calls to cluster-2 after %d ms%n", (System.nanoTime() - emptied) / 1_000_000);
                assertThat(Traffic.count(client, Map.of(), 40).keySet()).isSubsetOf(Set.of("c2-pod", "c2-pod-b"));
                assertThat(ends(node, Topics.XDS_SCOPES)).isEqualTo(scopesAt);

                // a port change is a service change: the scope is translated again (new manifest generation)
                publish(registry, record("cluster-2", 9081, endpoint("127.0.0.2", ports[1], "us-east/a")));
                await().atMost(Duration.ofSeconds(10)).until(() -> !ends(node, Topics.XDS_SCOPES).equals(scopesAt));
                await().atMost(Duration.ofSeconds(10)).until(() -> latest(node, Topics.XDS_SCOPES, ScopeManifest.class).values().stream()
                        .anyMatch(m -> m.endpoints().contains("outbound|9081||" + HOST)));
            }
        }
    }

    @Test
    void localityFailoverCrossesClusters(@TempDir Path tmp) throws Exception {
        int[] ports = EmbeddedKafka.freePorts(2);
        Path config = tmp.resolve("config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("reviews.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: bookinfo}
                spec:
                  host: reviews
                  trafficPolicy:
                    loadBalancer:
                      localityLbSetting:
                        failover: [{from: eu-west, to: us-east}, {from: us-east, to: eu-west}]
                """);
        try (Backends backends = new Backends();
             StraitNode node = InProcess.start(tmp.resolve("data"), config, "front-mc-loc", false);
             KafkaProducer<String, byte[]> registry = new KafkaProducer<>(node.bus().producer("test-registry", null))) {
            backends.start("127.0.0.1", ports[0], "eu-west");
            backends.start("127.0.0.2", ports[1], "us-east");
            publish(registry, record("cluster-1", 9080, endpoint("127.0.0.1", ports[0], "eu-west/a")));
            publish(registry, record("cluster-2", 9080, endpoint("127.0.0.2", ports[1], "us-east/a")));
            try (ProxylessClient europe = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(), "web-eu",
                    "bookinfo", Map.of("app", "web")).withLocality("eu-west/a"), HOST + ":9080");
                 ProxylessClient america = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(), "web-us",
                         "bookinfo", Map.of("app", "web")).withLocality("us-east/a"), HOST + ":9080")) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "eu-west".equals(europe.call(Map.of(), 2_000)));
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "us-east".equals(america.call(Map.of(), 2_000)));
                assertThat(Traffic.count(europe, Map.of(), 20)).isEqualTo(Map.of("eu-west", 20));
                assertThat(Traffic.count(america, Map.of(), 20)).isEqualTo(Map.of("us-east", 20));
                // cluster-1 (eu-west) empties: the European caller fails over to cluster-2
                publish(registry, record("cluster-1", 9080));
                await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                        .until(() -> Traffic.count(europe, Map.of(), 10).equals(Map.of("us-east", 10)));
                assertThat(Traffic.count(america, Map.of(), 20)).isEqualTo(Map.of("us-east", 20));
            }
        }
    }

    private static ClusterService.Endpoint endpoint(String ip, int port, String locality) {
        return new ClusterService.Endpoint(ip, Map.of("grpc", port), Map.of("app", "reviews"), "bookinfo-reviews",
                locality, "HEALTHY", "reviews-" + ip);
    }

    private static ClusterService record(String cluster, int port, ClusterService.Endpoint... endpoints) {
        List<ClusterService.Endpoint> tagged = new ArrayList<>();
        for (ClusterService.Endpoint e : endpoints) {
            Map<String, String> labels = new HashMap<>(e.labels());
            labels.put("topology.istio.io/cluster", cluster);
            tagged.add(new ClusterService.Endpoint(e.address(), e.ports(), labels, e.serviceAccount(), e.locality(), e.health(), e.pod()));
        }
        return new ClusterService(1, cluster, "", "bookinfo", "reviews", HOST, Map.of("app", "reviews"),
                List.of(cluster.equals("cluster-1") ? "10.96.0.10" : "10.97.0.10"),
                List.of(new ClusterService.Port("grpc", port, "GRPC", 0)), tagged, System.currentTimeMillis());
    }

    private static void publish(KafkaProducer<String, byte[]> producer, ClusterService record) throws Exception {
        producer.send(new ProducerRecord<>(Topics.ENDPOINTS, record.key(), Json.write(record))).get();
    }

    private static List<String> addresses(EndpointAssignment a) {
        ClusterLoadAssignment cla = (ClusterLoadAssignment) ResourceCodec.decode(a.resource());
        List<String> out = new ArrayList<>();
        cla.getEndpointsList().forEach(l -> l.getLbEndpointsList().forEach((LbEndpoint e) -> out.add(
                e.getEndpoint().getAddress().getSocketAddress().getAddress() + ":"
                        + e.getEndpoint().getAddress().getSocketAddress().getPortValue())));
        return out;
    }

    private static KafkaConsumer<String, byte[]> consumer(StraitNode node, String topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(node.bus().consumer("probe", null));
        consumer.assign(consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList());
        return consumer;
    }

    /** The end offsets of a topic's partitions (KubernetesMultiClusterTrafficTest reads them too). */
    static Map<TopicPartition, Long> ends(StraitNode node, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(node, topic)) {
            return consumer.endOffsets(consumer.assignment());
        }
    }

    /** The latest value per key of a topic, read to its end. */
    private static <T> Map<String, T> latest(StraitNode node, String topic, Class<T> type) {
        Map<String, T> out = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(node, topic)) {
            consumer.seekToBeginning(consumer.assignment());
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.value() == null) {
                        out.remove(r.key());
                    } else {
                        out.put(r.key(), Json.read(r.value(), type));
                    }
                });
            }
        }
        return out;
    }

    /** The keys of the committed records written to {@code topic} after the given offsets. */
    private static List<String> keysSince(StraitNode node, String topic, Map<TopicPartition, Long> from) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(node, topic)) {
            from.forEach(consumer::seek);
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            List<String> keys = new ArrayList<>();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
            }
            return keys;
        }
    }
}
