package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One of two fronts goes away: a state-of-the-world client reconnects to the other with the versions it holds and
 * is sent nothing — versions are content hashes, the same on every front — until the config changes; then it
 * gets the change.
 */
class SotwFrontMoveTest {
    private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    private static final Node NODE = Node.newBuilder().setId("sidecar~10.0.0.8~details-1.bookinfo~bookinfo.svc.cluster.local")
            .setMetadata(Struct.newBuilder().putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder()
                    .putFields("app", Value.newBuilder().setStringValue("details").build())).build()))
            .build();

    @Test
    void aClientMovingToAnotherFrontIsResentNothing(@TempDir Path tmp) throws Exception {
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("config"));
             StraitNode node = InProcess.start(tmp.resolve("data"), mesh.configDir, "front-a", false);
             StraitNode other = new StraitNode(new NodeOptions(EnumSet.of(Role.XDS), node.bootstrapServers(), 0,
                     tmp.resolve("data2"), mesh.configDir, "127.0.0.1", EmbeddedKafka.freePort(), -1, "front-b",
                     io.strait.bus.kafka.BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)).start()) {
            DiscoveryResponse held;
            try (RawAdsStream first = new RawAdsStream(node.xdsPort())) {
                first.send(DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(CDS).build());
                held = first.next(30);
                assertThat(held).as("clusters from front-a").isNotNull();
                first.send(DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(CDS)
                        .setVersionInfo(held.getVersionInfo()).setResponseNonce(held.getNonce()).build());
            }
            node.stopXds(); // front-a goes away
            try (RawAdsStream moved = new RawAdsStream(other.xdsPort())) {
                // as Envoy does on a new stream: the version it holds, no nonce
                moved.send(DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(CDS).setVersionInfo(held.getVersionInfo()).build());
                DiscoveryResponse resent = moved.next(3);
                System.out.printf("after moving to another front, the state-of-the-world client was resent %d clusters "
                        + "(held %d)%n", resent == null ? 0 : resent.getResourcesCount(), held.getResourcesCount());
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
