package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import java.util.EnumSet;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delta (incremental) xDS, spoken by a raw ADS client as an Envoy sidecar speaks it: every resource is versioned by
 * its content hash, an edit sends only what changed, and a client that reconnects with the versions it holds is
 * sent nothing it already has.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeltaXdsTest {
    private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    private static final String V4 = "outbound|9080|v4|" + MeshFixture.HOST;
    private static final Node NODE = Node.newBuilder().setId("sidecar~10.0.0.9~ratings-v1-1.bookinfo~bookinfo.svc.cluster.local")
            .setMetadata(Struct.newBuilder().putFields("NAMESPACE", Value.newBuilder().setStringValue("bookinfo").build())
                    .putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder()
                            .putFields("app", Value.newBuilder().setStringValue("ratings").build())).build()))
            .build();

    private MeshFixture mesh;
    private StraitNode node;
    private ManagedChannel channel;
    private Path tmp;
    private final Map<String, String> known = new HashMap<>();

    /** One delta ADS stream. */
    private final class DeltaStream implements AutoCloseable {
        final LinkedBlockingQueue<DeltaDiscoveryResponse> responses = new LinkedBlockingQueue<>();
        final StreamObserver<DeltaDiscoveryRequest> requests;

        DeltaStream() {
            this(channel);
        }

        DeltaStream(ManagedChannel to) {
            requests = AggregatedDiscoveryServiceGrpc.newStub(to)
                .deltaAggregatedResources(new StreamObserver<>() {
                    @Override
                    public void onNext(DeltaDiscoveryResponse r) {
                        responses.add(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        }

        DeltaStream subscribe(Map<String, String> initialVersions) {
            requests.onNext(DeltaDiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(CDS)
                    .putAllInitialResourceVersions(initialVersions).build());
            return this;
        }

        DeltaDiscoveryResponse next() throws InterruptedException {
            DeltaDiscoveryResponse r = responses.poll(30, TimeUnit.SECONDS);
            assertThat(r).as("a delta response within 30 s").isNotNull();
            r.getResourcesList().forEach(res -> known.put(res.getName(), res.getVersion()));
            r.getRemovedResourcesList().forEach(known::remove);
            requests.onNext(DeltaDiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(CDS).setResponseNonce(r.getNonce()).build());
            return r;
        }

        @Override
        public void close() {
            requests.onCompleted();
        }
    }

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        this.tmp = tmp;
        mesh = new MeshFixture(tmp.resolve("config"));
        node = InProcess.start(tmp.resolve("data"), mesh.configDir, "front-d", false);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", node.xdsPort()).usePlaintext().build();
    }

    @AfterAll
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        InProcess.close(node, mesh);
    }

    private void writeSubsets(String... subsets) throws Exception {
        StringBuilder sb = new StringBuilder("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: bookinfo}
                spec:
                  host: reviews
                  subsets:
                """);
        for (String s : subsets) {
            sb.append("  - {name: ").append(s).append(", labels: {version: ").append(s).append("}}\n");
        }
        Path tmp = mesh.configDir.resolve("destination-rules/.tmp");
        Files.writeString(tmp, sb.toString());
        Files.move(tmp, mesh.configDir.resolve("destination-rules/reviews.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    @Order(1)
    void resourcesAreVersionedByContentAndAnEditSendsOnlyWhatChanged() throws Exception {
        try (DeltaStream stream = new DeltaStream().subscribe(Map.of())) {
            DeltaDiscoveryResponse first = stream.next();
            assertThat(first.getResourcesList()).extracting(Resource::getName).containsExactlyInAnyOrder(
                    "outbound|9080||" + MeshFixture.HOST, "outbound|9080|v1|" + MeshFixture.HOST,
                    "outbound|9080|v2|" + MeshFixture.HOST, "outbound|9080|v3|" + MeshFixture.HOST,
                    // an Envoy sidecar's own clusters: where unknown and undeclared-port traffic goes
                    "PassthroughCluster", "InboundPassthroughCluster", "BlackHoleCluster");
            assertThat(first.getResourcesList()).allSatisfy(r -> assertThat(r.getVersion()).matches("[0-9a-f]{32}"));
            writeSubsets("v1", "v2", "v3", "v4");
            DeltaDiscoveryResponse edit = stream.next();
            System.out.println("after adding subset v4, the delta response carried " + edit.getResourcesList().stream().map(Resource::getName).toList());
            assertThat(edit.getResourcesList()).extracting(Resource::getName).containsExactly(V4);
            assertThat(edit.getRemovedResourcesList()).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> BusProbe.status(node.bus()).proxies().stream()
                    .anyMatch(p -> p.registration().proxyId().equals(NODE.getId()) && p.types().containsKey("CDS")
                            && p.types().get("CDS").state().equals("SYNCED")));
        }
    }

    @Test
    @Order(2)
    void aClientThatReconnectsWithItsVersionsIsSentNothingItHas() throws Exception {
        assertThat(known).containsKey(V4).hasSize(8);
        try (DeltaStream again = new DeltaStream().subscribe(Map.copyOf(known))) {
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> again.responses.isEmpty());
            writeSubsets("v1", "v2", "v3");
            DeltaDiscoveryResponse removal = again.next();
            assertThat(removal.getResourcesList()).isEmpty();
            assertThat(removal.getRemovedResourcesList()).containsExactly(V4);
        }
    }

    @Test
    @Order(3)
    void aClientThatMovesToAnotherFrontIsSentNothingItHas() throws Exception {
        assertThat(known).hasSize(7);
        node.stopXds(); // the front this client used goes away
        try (StraitNode other = new StraitNode(new NodeOptions(EnumSet.of(Role.XDS), node.bootstrapServers(), 0,
                tmp.resolve("data2"), mesh.configDir, "127.0.0.1", EmbeddedKafka.freePort(), -1, "front-d2",
                io.strait.bus.kafka.BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)).start()) {
            ManagedChannel toOther = NettyChannelBuilder.forAddress("127.0.0.1", other.xdsPort()).usePlaintext().build();
            try (DeltaStream moved = new DeltaStream(toOther).subscribe(Map.copyOf(known))) {
                // the other front has the same resources with the same content-hash versions: nothing to resend
                await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> moved.responses.isEmpty());
                writeSubsets("v1", "v2", "v3", "v4");
                DeltaDiscoveryResponse change = moved.next();
                System.out.println("after moving to another front, the client was sent only " + change.getResourcesList().stream()
                        .map(Resource::getName).toList() + " (0 unchanged resources resent)");
                assertThat(change.getResourcesList()).extracting(Resource::getName).containsExactly(V4);
            } finally {
                toOther.shutdownNow();
            }
        }
    }
}
