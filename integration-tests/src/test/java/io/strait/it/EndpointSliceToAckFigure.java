package io.strait.it;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.strait.bus.envelope.ClusterService;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.kafka.TopicSnapshot;
import io.strait.bus.topic.Topics;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import io.strait.ingest.kubernetes.KubernetesClusterOptions;
import io.strait.ingest.kubernetes.MockCluster;
import io.strait.model.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's figure: an EndpointSlice change → every proxy's ACK of the new assignment, with 1,000 proxies. One node
 * of every role reads a fabric8 mock API server (CRUD mode) as cluster {@code cluster-1}; 1,000 {@link EdsFollower}s,
 * each on its own connection, follow the Service's cluster by name. Per change, the slice's second endpoint moves to a
 * new address through the fabric8 client, timed from just before the update to each proxy's ACK of an assignment
 * holding the address. Same run, interleaved: the baseline moves the endpoint by republishing the source's record
 * on {@code strait.endpoints.v1} directly, so the ratio is what the Kubernetes source (watch, debounce, build,
 * publish) adds to the path bus → translator → front → proxies.
 */
class EndpointSliceToAckFigure {
    private static final int PROXIES = Integer.getInteger("strait.figure.proxies", 1_000);
    private static final int CHANGES = Integer.getInteger("strait.figure.changes", 20);
    private static final int WARMUP = 3;
    private static final String NS = "bookinfo";
    private static final String KEY = "cluster-1/" + NS + "/reviews";
    private static final String CLUSTER = "outbound|9080||reviews." + NS + ".svc.cluster.local";

    @Test
    void endpointSliceChangeToEveryProxysAck(@TempDir Path tmp) throws Exception {
        Path config = Files.createDirectories(tmp.resolve("config"));
        NioEventLoopGroup loop = new NioEventLoopGroup(2);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        List<EdsFollower> proxies = new ArrayList<>();
        try (MockCluster k = new MockCluster().start()) {
            k.namespace(NS, Map.of());
            k.node("node-a", "eu-west", "eu-west-1a");
            k.client().services().resource(new ServiceBuilder().withNewMetadata().withNamespace(NS).withName("reviews").endMetadata()
                    .withNewSpec().withClusterIP("10.96.0.10").withSelector(Map.of("app", "reviews"))
                    .addNewPort().withName("grpc").withPort(9080).withNewTargetPort(9080).endPort().endSpec().build()).create();
            k.client().discovery().v1().endpointSlices().resource(slice("10.2.0.1")).create();
            KubernetesClusterOptions cluster = KubernetesClusterOptions.parse("kubeconfig=" + k.kubeconfig(tmp, "cluster-1")
                    + ",cluster=cluster-1", false);
            try (StraitNode node = new StraitNode(new NodeOptions(EnumSet.allOf(Role.class), null, 0, tmp.resolve("data"), config,
                    "127.0.0.1", EmbeddedKafka.freePort(), -1, "front-fig", BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)
                    .withKubernetesSources(List.of(cluster))).start();
                 KafkaProducer<String, byte[]> bus = new KafkaProducer<>(node.bus().producer("figure-direct", null))) {
                for (int i = 0; i < PROXIES; i++) {
                    proxies.add(new EdsFollower(node.xdsPort(), NS, i, CLUSTER, loop, executor));
                }
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                        .until(() -> proxies.stream().allMatch(p -> p.ackedAt("10.2.0.1") != null));
                System.out.printf("%d proxies hold the first assignment%n", PROXIES);
                List<Long> viaSlice = new ArrayList<>();
                List<Long> viaBus = new ArrayList<>();
                List<Long> lastViaSlice = new ArrayList<>();
                List<Long> lastViaBus = new ArrayList<>();
                List<Long> answers = new ArrayList<>();
                List<Long> builds = new ArrayList<>();
                for (int i = 0; i < WARMUP + CHANGES; i++) {
                    boolean counted = i >= WARMUP;
                    // the Kubernetes source: the slice updated through the fabric8 client
                    String a = "10.2.1." + (i + 1);
                    long wall0 = System.currentTimeMillis();
                    long t0 = System.nanoTime();
                    k.client().discovery().v1().endpointSlices().resource(slice(a)).update();
                    long answered = (System.nanoTime() - t0) / 1_000_000;
                    long[] s = waitForAll(proxies, a, t0);
                    // the baseline: the record the source published, its endpoint moved, written straight on the bus
                    String b = "10.2.2." + (i + 1);
                    ClusterService published = Json.read(TopicSnapshot.read(node.bus(), Topics.ENDPOINTS, Duration.ofSeconds(10)).get(KEY),
                            ClusterService.class);
                    long built = published.observedAt() - wall0; // the source built the record (same JVM, same clock)
                    byte[] moved = Json.write(moved(published, a, b));
                    long t1 = System.nanoTime();
                    bus.send(new ProducerRecord<>(Topics.ENDPOINTS, KEY, moved));
                    bus.flush();
                    long[] d = waitForAll(proxies, b, t1);
                    System.out.printf("change %2d%s: slice -> ACK p50 %d / last %d ms (API server answered %d, record built %d); "
                                    + "bus -> ACK p50 %d / last %d ms%n", i + 1, counted ? "" : " (warm-up)", pct(s, 50), pct(s, 100),
                            answered, built, pct(d, 50), pct(d, 100));
                    if (counted) {
                        Arrays.stream(s).forEach(viaSlice::add);
                        Arrays.stream(d).forEach(viaBus::add);
                        lastViaSlice.add(pct(s, 100));
                        lastViaBus.add(pct(d, 100));
                        answers.add(answered);
                        builds.add(built);
                    }
                }
                long[] sl = viaSlice.stream().mapToLong(Long::longValue).toArray();
                long[] bl = viaBus.stream().mapToLong(Long::longValue).toArray();
                long[] sLast = lastViaSlice.stream().mapToLong(Long::longValue).toArray();
                long[] bLast = lastViaBus.stream().mapToLong(Long::longValue).toArray();
                System.out.printf("FIGURE EndpointSlice change -> proxy ACK, %d proxies, %d changes (%d samples): p50 %d ms, p99 %d ms; "
                                + "last proxy per change p50 %d, p99 %d ms%n", PROXIES, CHANGES, sl.length, pct(sl, 50), pct(sl, 99),
                        pct(sLast, 50), pct(sLast, 99));
                long[] an = answers.stream().mapToLong(Long::longValue).toArray();
                long[] bu = builds.stream().mapToLong(Long::longValue).toArray();
                System.out.printf("FIGURE split p50/p99: update -> API server answered %d/%d ms, update -> record built by the source %d/%d ms%n",
                        pct(an, 50), pct(an, 99), pct(bu, 50), pct(bu, 99));
                System.out.printf("FIGURE baseline (record republished on %s) -> proxy ACK: p50 %d ms, p99 %d ms; last proxy per change "
                                + "p50 %d, p99 %d ms%n", Topics.ENDPOINTS, pct(bl, 50), pct(bl, 99), pct(bLast, 50), pct(bLast, 99));
                System.out.printf("FIGURE ratio slice/baseline: p50 %.2f, p99 %.2f%n", (double) pct(sl, 50) / Math.max(1, pct(bl, 50)),
                        (double) pct(sl, 99) / Math.max(1, pct(bl, 99)));
            } finally {
                proxies.forEach(EdsFollower::close);
            }
        } finally {
            loop.shutdownGracefully();
            executor.shutdownNow();
        }
    }

    /** The slice of reviews: a stable endpoint and the one that moves. */
    private static EndpointSlice slice(String moving) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withNamespace(NS).withName("reviews-1")
                .withLabels(Map.of("kubernetes.io/service-name", "reviews")).endMetadata()
                .withAddressType("IPv4").addNewPort().withName("grpc").withPort(9080).endPort();
        for (String address : List.of("10.1.0.1", moving)) {
            b.addNewEndpoint().withAddresses(address).withNodeName("node-a")
                    .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions().endEndpoint();
        }
        return b.build();
    }

    /** The record with the endpoint at {@code from} moved to {@code to}: what the source would write for that move. */
    private static ClusterService moved(ClusterService r, String from, String to) {
        List<ClusterService.Endpoint> endpoints = r.endpoints().stream().map(e -> !e.address().equals(from) ? e
                : new ClusterService.Endpoint(to, e.ports(), e.labels(), e.serviceAccount(), e.locality(), e.health(), e.pod())).toList();
        return new ClusterService(r.v(), r.cluster(), r.network(), r.namespace(), r.name(), r.hostname(), r.labels(), r.addresses(),
                r.ports(), endpoints, System.currentTimeMillis(), r.externalAddresses());
    }

    /** Waits until every proxy ACKed an assignment holding {@code address}; each one's milliseconds since {@code t0}. */
    private static long[] waitForAll(List<EdsFollower> proxies, String address, long t0) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> proxies.stream().allMatch(p -> p.ackedAt(address) != null));
        return proxies.stream().mapToLong(p -> (p.ackedAt(address) - t0) / 1_000_000).toArray();
    }

    /** Nearest-rank percentile (100: the maximum). */
    private static long pct(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
