package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One of two fronts is killed (kill -9 of its JVM, as a crash): a state-of-the-world client reconnects to the other
 * with the version it holds and is sent nothing — versions are content hashes, the same on every front — until the
 * config changes; then it gets the change from the surviving front. A proxy of the dead front that never reconnects
 * stops being counted once the front's lease runs out (it could not unregister it).
 */
class SotwFrontMoveTest {
    private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    private static final Node ORPHAN = Node.newBuilder().setId("sidecar~10.0.0.9~ratings-1.bookinfo~bookinfo.svc.cluster.local").build();
    private static final Node NODE = Node.newBuilder().setId("sidecar~10.0.0.8~details-1.bookinfo~bookinfo.svc.cluster.local")
            .setMetadata(Struct.newBuilder().putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder()
                    .putFields("app", Value.newBuilder().setStringValue("details").build())).build()))
            .build();

    /** Clusters from the front on {@code port} (ACKed), or null while it is not serving yet. */
    private static DiscoveryResponse firstResponse(int port) throws InterruptedException {
        try (RawAdsStream first = new RawAdsStream(port)) {
            first.send(DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(CDS).build());
            DiscoveryResponse r = first.next(5);
            if (r != null) {
                first.send(DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(CDS)
                        .setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce()).build());
            }
            return r;
        }
    }

    @Test
    void aClientMovingToAnotherFrontIsResentNothing(@TempDir Path tmp) throws Exception {
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("config"));
             StraitNode other = InProcess.start(tmp.resolve("data"), mesh.configDir, "front-b", false)) {
            int frontA = EmbeddedKafka.freePort();
            RoleProcess front = new RoleProcess("xds", tmp.resolve("front-a"), List.of("--kafka", other.bootstrapServers(),
                    "--xds-port", String.valueOf(frontA), "--admin-port", "-1", "--front-id", "front-a",
                    "--group-session-timeout", "2s", "--data-dir", tmp.resolve("front-a").toString()));
            DiscoveryResponse held;
            RawAdsStream orphan = null;
            try {
                held = await().atMost(Duration.ofSeconds(60)).until(() -> firstResponse(frontA), r -> r != null);
                // a proxy that will go down with its front and never reconnect
                orphan = new RawAdsStream(frontA);
                orphan.send(DiscoveryRequest.newBuilder().setNode(ORPHAN).setTypeUrl(CDS).build());
                await().atMost(Duration.ofSeconds(20)).until(() -> BusProbe.status(other.bus()).proxies().stream()
                        .anyMatch(p -> p.registration().proxyId().equals(ORPHAN.getId())));
            } finally {
                front.kill(); // front-a crashes: no shutdown hook, its stream just breaks
                if (orphan != null) {
                    orphan.close();
                }
            }
            long killed = System.nanoTime();
            await().atMost(Duration.ofSeconds(20)).until(() -> BusProbe.status(other.bus()).lost().contains(ORPHAN.getId()));
            System.out.printf("the dead front's proxy that never reconnected stopped being counted %d ms after the kill (2 s lease)%n",
                    (System.nanoTime() - killed) / 1_000_000);
            assertThat(BusProbe.status(other.bus()).proxies()).noneMatch(p -> p.registration().proxyId().equals(ORPHAN.getId()));
            try (RawAdsStream moved = new RawAdsStream(other.xdsPort())) {
                // as Envoy does on a new stream: the version it holds, no nonce
                moved.send(DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(CDS).setVersionInfo(held.getVersionInfo()).build());
                DiscoveryResponse resent = moved.next(3);
                System.out.printf("after its front was killed, the state-of-the-world client reconnected to the other and was "
                        + "resent %d clusters (held %d)%n", resent == null ? 0 : resent.getResourcesCount(), held.getResourcesCount());
                assertThat(resent).as("nothing resent: front-b has the same version").isNull();
                Path staged = mesh.configDir.resolve("destination-rules/.reviews.tmp");
                Files.writeString(staged, """
                        apiVersion: networking.istio.io/v1
                        kind: DestinationRule
                        metadata: {name: reviews, namespace: bookinfo}
                        spec:
                          host: reviews
                          subsets:
                          - {name: v1, labels: {version: v1}}
                          - {name: v2, labels: {version: v2}}
                          - {name: v3, labels: {version: v3}}
                          - {name: v4, labels: {version: v4}}
                        """);
                Files.move(staged, mesh.configDir.resolve("destination-rules/reviews.yaml"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                DiscoveryResponse change = moved.next(30);
                assertThat(change).as("the change arrives from front-b").isNotNull();
                List<String> names = change.getResourcesList().stream().map(a -> {
                    try {
                        return a.unpack(io.envoyproxy.envoy.config.cluster.v3.Cluster.class).getName();
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
                assertThat(names).contains("outbound|9080|v4|" + MeshFixture.HOST);
                assertThat(change.getVersionInfo()).isNotEqualTo(held.getVersionInfo());
            }
        }
    }
}
