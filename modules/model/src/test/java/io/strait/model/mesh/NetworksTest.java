package io.strait.model.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.Kind;
import io.strait.model.istio.MeshConfig;
import io.strait.model.istio.ObjectMeta;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.json.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Networks and gateways from meshNetworks and from labelled services; the network of an endpoint. */
class NetworksTest {
    private static IstioResource mesh(String json) throws Exception {
        JsonNode tree = Json.MAPPER.readTree(json);
        return new IstioResource("", Kind.MESH_CONFIG, new ObjectMeta(MeshConfig.NAME, null, Map.of(), Map.of(), null),
                new MeshConfig(tree));
    }

    private static IstioResource service(String name, Map<String, String> labels, List<String> addresses, int port,
                                         List<ServiceEntry.WorkloadEntry> endpoints) {
        ServiceEntry se = new ServiceEntry(List.of(name + ".istio-system.svc.cluster.local"), addresses,
                List.of(new ServiceEntry.ServicePort(port, "TLS", "tls", null)), "MESH_INTERNAL", "STATIC", endpoints,
                List.of(), null, List.of());
        return new IstioResource("networking.istio.io/v1", Kind.SERVICE_ENTRY,
                new ObjectMeta(name, "istio-system", labels, Map.of(), null), se);
    }

    private static ServiceEntry.WorkloadEntry endpoint(String address, String network, Map<String, String> labels) {
        return new ServiceEntry.WorkloadEntry(address, Map.of(), labels, null, null, null, network);
    }

    @Test
    void aMeshWithoutGatewaysIsOneNetwork() {
        assertThat(MeshModel.EMPTY.networks().multiNetwork()).isFalse();
        assertThat(MeshModel.EMPTY.networks().scaleFactor()).isEqualTo(1);
    }

    @Test
    void gatewaysComeFromMeshNetworksAndFromLabelledServices() throws Exception {
        MeshModel model = MeshModel.of(List.of(
                mesh("""
                        {"meshNetworks": {"networks": {
                          "west": {"endpoints": [{"fromRegistry": "cluster-west"}],
                                   "gateways": [{"address": "198.51.100.10", "port": 15443},
                                                {"registryServiceName": "gw-west.istio-system.svc.cluster.local", "port": 15443},
                                                {"address": "gw.example.com", "port": 15443}]},
                          "east": {"endpoints": [{"fromCidr": "10.20.0.0/16"}]}}}}"""),
                service("gw-west", Map.of(), List.of(), 15443, List.of(endpoint("198.51.100.11", "west", Map.of()))),
                service("gw-east", Map.of("topology.istio.io/network", "east"), List.of("203.0.113.20", "10.0.0.0/8"), 15443, List.of()),
                // labelled, but its gatewayPort label names a port it does not declare: not a gateway (as Istio)
                service("gw-north", Map.of("topology.istio.io/network", "north", "networking.istio.io/gatewayPort", "15999"),
                        List.of("203.0.113.30"), 15443, List.of())));
        Networks n = model.networks();
        assertThat(n.multiNetwork()).isTrue();
        assertThat(n.gateways()).containsOnlyKeys("east", "west");
        assertThat(n.gatewaysOf("west")).containsExactly(new Networks.Gateway("west", "198.51.100.10", 15443),
                new Networks.Gateway("west", "198.51.100.11", 15443));
        assertThat(n.gatewaysOf("east")).containsExactly(new Networks.Gateway("east", "203.0.113.20", 15443));
        assertThat(n.scaleFactor()).isEqualTo(2);
        assertThat(n.networkOf(endpoint("10.1.1.1", "west", Map.of()))).isEqualTo("west");
        assertThat(n.networkOf(endpoint("10.1.1.1", null, Map.of("topology.istio.io/network", "north")))).isEqualTo("north");
        assertThat(n.networkOf(endpoint("10.1.1.1", "", Map.of("topology.istio.io/cluster", "cluster-west")))).isEqualTo("west");
        assertThat(n.networkOf(endpoint("10.20.3.4", null, Map.of()))).isEqualTo("east");
        assertThat(n.networkOf(endpoint("10.21.3.4", null, Map.of()))).isEmpty();
        assertThat(n.networkOf(endpoint("reviews.example.com", null, Map.of()))).isEmpty();
    }
}
