package io.strait.translate.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.strait.model.mesh.Networks;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Split-horizon EDS on plain values: weights, gateways, networks without a gateway, plain-text endpoints. */
class SplitHorizonTest {
    private static final Networks.Gateway EAST = new Networks.Gateway("east", "203.0.113.20", 15443);
    private static final Networks.Gateway WEST_A = new Networks.Gateway("west", "198.51.100.10", 15443);
    private static final Networks.Gateway WEST_B = new Networks.Gateway("west", "198.51.100.11", 15443);

    private static Networks networks(Networks.Gateway... gateways) {
        TreeMap<String, List<Networks.Gateway>> byNetwork = new TreeMap<>();
        for (Networks.Gateway g : gateways) {
            byNetwork.computeIfAbsent(g.network(), n -> new java.util.ArrayList<>()).add(g);
        }
        return new Networks(byNetwork, Map.of(), List.of());
    }

    private static SplitHorizon.Candidate endpoint(String ip, String network, boolean mtls, int weight) {
        LbEndpoint lb = LbEndpoint.newBuilder().setLoadBalancingWeight(UInt32Value.of(weight))
                .setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
                        .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(9080)))).build();
        return new SplitHorizon.Candidate(lb, network, mtls);
    }

    private static Map<String, Integer> weights(List<LbEndpoint> endpoints) {
        Map<String, Integer> out = new TreeMap<>();
        endpoints.forEach(e -> out.put(e.getEndpoint().getAddress().getSocketAddress().getAddress() + ":"
                + e.getEndpoint().getAddress().getSocketAddress().getPortValue(), e.getLoadBalancingWeight().getValue()));
        return out;
    }

    @Test
    void withOneNetworkNothingChanges() {
        List<SplitHorizon.Candidate> locality = List.of(endpoint("10.0.0.1", "west", true, 1), endpoint("10.0.0.2", "east", false, 3));
        List<LbEndpoint> out = SplitHorizon.filter(locality, Networks.NONE, "west");
        assertThat(out).containsExactly(locality.get(0).endpoint(), locality.get(1).endpoint());
    }

    @Test
    void remoteEndpointsBecomeTheirGatewayWeightedByHowManyItStandsFor() {
        List<SplitHorizon.Candidate> locality = List.of(endpoint("10.10.0.1", "west", true, 1),
                endpoint("10.20.0.1", "east", true, 1), endpoint("10.20.0.2", "east", true, 1), endpoint("10.20.0.3", "east", true, 1));
        List<LbEndpoint> out = SplitHorizon.filter(locality, networks(EAST), "west");
        assertThat(weights(out)).isEqualTo(Map.of("10.10.0.1:9080", 1, "203.0.113.20:15443", 3));
        LbEndpoint gateway = out.get(1);
        assertThat(gateway.getMetadata().getFilterMetadataOrThrow(ClusterMtls.TRANSPORT_SOCKET_MATCH)
                .getFieldsOrThrow("tlsMode").getStringValue()).isEqualTo("istio");
    }

    @Test
    void severalGatewaysShareTheWeightAndEveryWeightIsScaled() {
        // west has two gateways, east one: the scale factor is lcm(2, 1) = 2
        List<SplitHorizon.Candidate> locality = List.of(endpoint("10.20.0.1", "east", true, 1),
                endpoint("10.10.0.1", "west", true, 1), endpoint("10.10.0.2", "west", true, 2));
        List<LbEndpoint> out = SplitHorizon.filter(locality, networks(EAST, WEST_A, WEST_B), "east");
        assertThat(weights(out)).isEqualTo(Map.of("10.20.0.1:9080", 2, "198.51.100.10:15443", 3, "198.51.100.11:15443", 3));
    }

    @Test
    void aNetworkWithoutGatewayIsDropped() {
        List<SplitHorizon.Candidate> locality = List.of(endpoint("10.10.0.1", "west", true, 1), endpoint("10.30.0.1", "north", true, 1));
        assertThat(weights(SplitHorizon.filter(locality, networks(EAST), "west"))).isEqualTo(Map.of("10.10.0.1:9080", 1));
        // from north itself the endpoint is local
        assertThat(weights(SplitHorizon.filter(locality, networks(EAST), "north"))).containsKey("10.30.0.1:9080");
    }

    @Test
    void plainTextEndpointsAreNotReachedThroughAGateway() {
        List<SplitHorizon.Candidate> locality = List.of(endpoint("10.20.0.1", "east", false, 1), endpoint("10.20.0.2", "east", false, 1));
        assertThat(SplitHorizon.filter(locality, networks(EAST), "west")).isEmpty();
        // but a plain-text endpoint of the caller's own network is kept
        assertThat(weights(SplitHorizon.filter(locality, networks(EAST), "east"))).hasSize(2);
    }

    @Test
    void endpointsOfNoNetworkAreEverywhereAndACallerOfNoNetworkUsesGatewaysWhereThereAreSome() {
        List<SplitHorizon.Candidate> locality = List.of(endpoint("10.0.0.9", "", false, 1),
                endpoint("10.20.0.1", "east", true, 1), endpoint("10.30.0.1", "north", true, 1));
        assertThat(weights(SplitHorizon.filter(locality, networks(EAST), "west"))).isEqualTo(
                Map.of("10.0.0.9:9080", 1, "203.0.113.20:15443", 1));
        // Istio's forceGateway: no network given, east has a gateway; north has none, so it is taken as reachable
        assertThat(weights(SplitHorizon.filter(locality, networks(EAST), ""))).isEqualTo(
                Map.of("10.0.0.9:9080", 1, "203.0.113.20:15443", 1, "10.30.0.1:9080", 1));
    }

    @Test
    void theEastWestGatewayKeepsItsOwnNetworksMtlsEndpointsOnly() {
        List<SplitHorizon.Candidate> locality = List.of(endpoint("10.20.0.1", "east", true, 1), endpoint("10.20.0.2", "east", false, 1),
                endpoint("10.10.0.1", "west", true, 1), endpoint("10.0.0.9", "", true, 1));
        assertThat(weights(SplitHorizon.localOnly(locality, "east"))).isEqualTo(Map.of("10.20.0.1:9080", 1, "10.0.0.9:9080", 1));
    }

    @Test
    void assignmentNamesCarryTheNetworkOnlyWhenThereIsOne() {
        assertThat(EdsNames.of("outbound|9080||reviews.shop.svc.cluster.local", "")).isEqualTo("outbound|9080||reviews.shop.svc.cluster.local");
        String named = EdsNames.of("outbound|9080|v1|reviews.shop.svc.cluster.local", "east");
        assertThat(named).isEqualTo("outbound|9080|v1|reviews.shop.svc.cluster.local~east");
        assertThat(EdsNames.clusterOf(named)).isEqualTo("outbound|9080|v1|reviews.shop.svc.cluster.local");
        assertThat(EdsNames.networkOf(named)).isEqualTo("east");
        assertThat(ScopeTranslator.hostOf(named)).contains("reviews.shop.svc.cluster.local");
        assertThat(ScopeTranslator.hostOf("outbound_.9080_.v1_.reviews.shop.svc.cluster.local~east")).contains("reviews.shop.svc.cluster.local");
        assertThat(ClusterRef.parseSni(new ClusterRef("reviews.shop.svc.cluster.local", 9080, null).sniName()))
                .contains(new ClusterRef("reviews.shop.svc.cluster.local", 9080, null));
    }
}
