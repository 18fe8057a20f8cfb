package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Split-horizon EDS through the real pipeline (folder → Kafka → translator → front), asked for as Envoy asks: two
 * sidecars in networks west and east get clusters whose assignment names carry their network, and each gets its own
 * view — the other network's endpoints as that network's gateway. An endpoint-only change reaches each network's
 * assignment by name. (No Envoy binary runs here, and grpc-xds clients do not route through TLS-passthrough
 * gateways, so this checks what is served, not traffic.)
 */
class MultiNetworkEdsTest {
    private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    private static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
    private static final String CLUSTER = "outbound|9080||reviews.shop.svc.cluster.local";
    private static final String MESH = """
            meshNetworks:
              networks:
                west: {gateways: [{address: 198.51.100.10, port: 15443}]}
                east: {gateways: [{address: 203.0.113.20, port: 15443}]}
            """;

    private static String reviews(int eastEndpoints) {
        StringBuilder eps = new StringBuilder("    - {address: 10.10.0.1, network: west, labels: {security.istio.io/tlsMode: istio}}\n");
        for (int i = 1; i <= eastEndpoints; i++) {
            eps.append("    - {address: 10.20.0.").append(i).append(", network: east, labels: {security.istio.io/tlsMode: istio}}\n");
        }
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: reviews, namespace: shop}
                spec:
                  hosts: [reviews.shop.svc.cluster.local]
                  location: MESH_INTERNAL
                  resolution: STATIC
                  ports: [{number: 9080, name: http, protocol: HTTP}]
                  endpoints:
                """ + eps;
    }

    @Test
    void eachNetworkGetsItsOwnAssignmentByName(@TempDir Path tmp) throws Exception {
        Path config = Files.createDirectories(tmp.resolve("config"));
        Files.writeString(config.resolve("mesh.yaml"), MESH);
        Files.writeString(config.resolve("reviews.yaml"), reviews(2));
        try (StraitNode node = InProcess.start(tmp.resolve("data"), config, "front-mn", false);
             RawAdsStream west = new RawAdsStream(node.xdsPort());
             RawAdsStream east = new RawAdsStream(node.xdsPort())) {
            Node westNode = node("sidecar~10.10.0.9~client-1.shop~shop.svc.cluster.local", "west");
            Node eastNode = node("sidecar~10.20.0.9~client-2.shop~shop.svc.cluster.local", "east");
            assertThat(edsName(west, westNode)).isEqualTo(CLUSTER + "~west");
            assertThat(edsName(east, eastNode)).isEqualTo(CLUSTER + "~east");

            west.send(DiscoveryRequest.newBuilder().setNode(westNode).setTypeUrl(EDS).addResourceNames(CLUSTER + "~west").build());
            DiscoveryResponse westEds = next(west, EDS);
            assertThat(weights(westEds)).isEqualTo(Map.of("10.10.0.1:9080", 1, "203.0.113.20:15443", 2));
            east.send(DiscoveryRequest.newBuilder().setNode(eastNode).setTypeUrl(EDS).addResourceNames(CLUSTER + "~east").build());
            assertThat(weights(next(east, EDS))).isEqualTo(Map.of("10.20.0.1:9080", 1, "10.20.0.2:9080", 1, "198.51.100.10:15443", 1));

            // a third endpoint in east: west's assignment, by name, now weighs east's gateway 3
            west.send(ack(westNode, westEds, List.of(CLUSTER + "~west")));
            long start = System.nanoTime();
            Path tmpFile = config.resolve(".reviews.yaml.tmp");
            Files.writeString(tmpFile, reviews(3));
            Files.move(tmpFile, config.resolve("reviews.yaml"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            assertThat(weights(next(west, EDS))).isEqualTo(Map.of("10.10.0.1:9080", 1, "203.0.113.20:15443", 3));
            System.out.printf("multi-network: an east endpoint added -> west's assignment by name in %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** Asks for every cluster and returns the assignment name of reviews' cluster. */
    private static String edsName(RawAdsStream ads, Node node) throws Exception {
        ads.send(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(CDS).build());
        DiscoveryResponse cds = next(ads, CDS);
        ads.send(ack(node, cds, List.of()));
        for (var any : cds.getResourcesList()) {
            Cluster c = any.unpack(Cluster.class);
            if (c.getName().equals(CLUSTER)) {
                return c.getEdsClusterConfig().getServiceName();
            }
        }
        throw new AssertionError("no cluster " + CLUSTER);
    }

    private static Map<String, Integer> weights(DiscoveryResponse eds) throws Exception {
        Map<String, Integer> out = new TreeMap<>();
        for (var any : eds.getResourcesList()) {
            ClusterLoadAssignment cla = any.unpack(ClusterLoadAssignment.class);
            cla.getEndpointsList().forEach(l -> l.getLbEndpointsList().forEach(e -> out.put(
                    e.getEndpoint().getAddress().getSocketAddress().getAddress() + ":"
                            + e.getEndpoint().getAddress().getSocketAddress().getPortValue(),
                    e.getLoadBalancingWeight().getValue())));
        }
        return out;
    }

    private static Node node(String id, String network) {
        return Node.newBuilder().setId(id).setMetadata(Struct.newBuilder()
                .putFields("NETWORK", Value.newBuilder().setStringValue(network).build())).build();
    }

    private static DiscoveryRequest ack(Node node, DiscoveryResponse r, List<String> names) {
        return DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(r.getTypeUrl()).addAllResourceNames(names)
                .setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce()).build();
    }

    /** The next response of {@code type}, skipping others (the front pushes every subscribed type). */
    private static DiscoveryResponse next(RawAdsStream ads, String type) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            DiscoveryResponse r = ads.next(1);
            if (r != null && r.getTypeUrl().equals(type)) {
                return r;
            }
        }
        throw new AssertionError("no " + type + " response within 30 s");
    }
}
