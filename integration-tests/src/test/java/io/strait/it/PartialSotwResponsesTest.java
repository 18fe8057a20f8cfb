package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.cli.demo.ProxylessClient;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: state-of-the-world RDS and EDS responses carry only the resources that changed (the xDS protocol asks full
 * state only of listeners and clusters). A raw ADS client subscribed to two route configurations and every assignment
 * is sent, after a one-service change, only the one that changed; meanwhile gRPC's own xDS client, fed the same way,
 * still routes every RPC to the right backend.
 */
class PartialSotwResponsesTest {
    private static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
    private static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
    private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    private static final String RATINGS = "ratings.bookinfo.svc.cluster.local:9080";
    private static final String V3 = "outbound|9080|v3|" + MeshFixture.HOST;

    /** A second service, so that a change to reviews leaves a route configuration and assignments untouched. */
    private static final String RATINGS_ENTRY = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: ratings, namespace: bookinfo}
            spec:
              hosts: [ratings.bookinfo.svc.cluster.local]
              ports: [{number: 9080, name: grpc, protocol: GRPC}]
              resolution: STATIC
              endpoints: [{address: 127.0.0.1, ports: {grpc: 1}}]
            """;

    /** The next response of {@code type}, ACKed (a response of another type on the stream is ACKed and passed over). */
    private static DiscoveryResponse ackNext(RawAdsStream ads, String type, List<String> names) throws Exception {
        while (true) {
            DiscoveryResponse r = ads.next(30);
            assertThat(r).as("a " + type + " response within 30 s").isNotNull();
            boolean wanted = r.getTypeUrl().equals(type);
            ads.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(r.getTypeUrl())
                    .addAllResourceNames(wanted ? names : List.of()).setVersionInfo(r.getVersionInfo())
                    .setResponseNonce(r.getNonce()).build());
            if (wanted) {
                return r;
            }
        }
    }

    private static String nameOf(Any a) {
        try {
            return switch (a.getTypeUrl()) {
                case RDS -> a.unpack(RouteConfiguration.class).getName();
                case EDS -> a.unpack(ClusterLoadAssignment.class).getClusterName();
                default -> a.unpack(Cluster.class).getName();
            };
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> names(DiscoveryResponse r) {
        return r.getResourcesList().stream().map(PartialSotwResponsesTest::nameOf).toList();
    }

    @Test
    void afterAOneServiceChangeRoutesAndEndpointsCarryOnlyWhatChanged(@TempDir Path tmp) throws Exception {
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("config"))) {
            Files.writeString(mesh.configDir.resolve("services/ratings.yaml"), RATINGS_ENTRY);
            mesh.writeVirtualService(MeshFixture.all("v1"));
            try (StraitNode node = InProcess.start(tmp.resolve("data"), mesh.configDir, "front-p", false);
                 ProxylessClient client = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(),
                         "productpage-1", "bookinfo", Map.of("app", "productpage")), MeshFixture.AUTHORITY);
                 RawAdsStream routes = new RawAdsStream(node.xdsPort());
                 RawAdsStream endpoints = new RawAdsStream(node.xdsPort())) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "v1".equals(client.call(Map.of(), 1000)));

                List<String> routeNames = List.of(MeshFixture.AUTHORITY, RATINGS);
                routes.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(RDS)
                        .addAllResourceNames(routeNames).build());
                DiscoveryResponse firstRoutes = await().atMost(Duration.ofSeconds(30))
                        .until(() -> ackNext(routes, RDS, routeNames), r -> names(r).size() == 2);
                assertThat(names(firstRoutes)).containsExactlyInAnyOrderElementsOf(routeNames);

                endpoints.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(CDS).build());
                DiscoveryResponse clusters = ackNext(endpoints, CDS, List.of());
                List<String> edsNames = clusters.getResourcesList().stream().map(a -> {
                    try {
                        return a.unpack(Cluster.class);
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException(e);
                    }
                }).filter(c -> c.getType() == Cluster.DiscoveryType.EDS)
                        .map(c -> c.getEdsClusterConfig().getServiceName().isEmpty() ? c.getName() : c.getEdsClusterConfig().getServiceName())
                        .toList();
                assertThat(edsNames).contains(V3).hasSizeGreaterThanOrEqualTo(5);
                endpoints.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(EDS)
                        .addAllResourceNames(edsNames).setResponseNonce("").build());
                DiscoveryResponse firstEndpoints = ackNext(endpoints, EDS, edsNames);
                assertThat(names(firstEndpoints)).containsExactlyInAnyOrderElementsOf(edsNames);

                // one service's routing changes: only its route configuration is sent
                mesh.writeVirtualService(MeshFixture.all("v3"));
                DiscoveryResponse changedRoutes = ackNext(routes, RDS, routeNames);
                System.out.println("after a change to reviews' routing, the RDS response carried " + names(changedRoutes)
                        + " (" + changedRoutes.getSerializedSize() + " bytes; the first, full one: " + firstRoutes.getSerializedSize() + ")");
                assertThat(names(changedRoutes)).containsExactly(MeshFixture.AUTHORITY);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Traffic.assertAll(client, Map.of(), "v3", 50));

                // one subset's endpoints change: only its assignment is sent, and traffic follows it
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
                          - {name: v3, labels: {version: v2}}
                        """);
                Files.move(staged, mesh.configDir.resolve("destination-rules/reviews.yaml"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                DiscoveryResponse changedEndpoints = ackNext(endpoints, EDS, edsNames);
                System.out.println("after subset v3 moved to v2's endpoints, the EDS response carried " + names(changedEndpoints)
                        + " of " + edsNames.size() + " assignments");
                assertThat(names(changedEndpoints)).containsExactly(V3);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Traffic.assertAll(client, Map.of(), "v2", 50));
                assertThat(routes.queued()).as("nothing more for routes that did not change").isZero();
            }
        }
    }
}
