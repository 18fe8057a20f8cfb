package io.strait.ingest.revision;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.ingest.load.ConfigLoader;
import io.strait.model.finding.Finding;
import io.strait.model.istio.MeshConfig;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code meshNetworks} in mesh.yaml (Istio's MeshNetworks) is validated as Istio's {@code ValidateMeshNetworks} does,
 * each error at its field and line, and a valid one is read by the translator without a "not applied" warning.
 */
class MeshNetworksRevisionTest {
    private static RevisionOutcome build(String mesh) {
        return new RevisionBuilder().build("test", null, ConfigLoader.parse(new TreeMap<>(Map.of("se.yaml", RevisionBuilderTest.SE,
                "mesh.yaml", mesh))));
    }

    @Test
    void aValidMeshNetworksIsAcceptedAndApplied() {
        RevisionOutcome o = build("""
                meshNetworks:
                  networks:
                    west:
                      endpoints: [{fromRegistry: cluster-west}, {fromCidr: 10.10.0.0/16}]
                      gateways:
                        - {address: 198.51.100.10, port: 15443}
                        - {registryServiceName: istio-eastwestgateway.istio-system.svc.cluster.local, port: 15443}
                """);
        assertThat(o).isInstanceOf(RevisionOutcome.Accepted.class);
        Revision r = ((RevisionOutcome.Accepted) o).revision();
        MeshConfig mesh = (MeshConfig) r.resources().get(MeshConfig.KEY).resource().spec();
        assertThat(mesh.meshNetworks().networks().get("west").gateways()).hasSize(2);
        assertThat(r.warnings()).noneSatisfy(f ->
                assertThat(f.message()).contains("not applied").contains("meshNetworks"));
    }

    @Test
    void badNetworksAreRejectedAtTheirFields() {
        RevisionOutcome o = build("""
                meshNetworks:
                  networks:
                    west:
                      endpoints:
                        - {fromCidr: 10.10.0.0/99}
                        - {fromRegistry: Not_A_Label}
                        - {fromCidr: 10.0.0.0/8, fromRegistry: both}
                      gateways:
                        - {address: gw.example.com, port: 15443}
                        - {registryServiceName: "bad..name", port: 0}
                        - {port: 15443}
                    east:
                      gateways: [{adress: 1.2.3.4, port: 15443}]
                """);
        assertThat(o).isInstanceOf(RevisionOutcome.Rejected.class);
        assertThat(((RevisionOutcome.Rejected) o).findings()).filteredOn(Finding::isError)
                .extracting(f -> f.line() + " " + f.field()).containsExactly("13 meshNetworks.networks.east.gateways[0].adress");
        RevisionOutcome rules = build("""
                meshNetworks:
                  networks:
                    west:
                      endpoints:
                        - {fromCidr: 10.10.0.0/99}
                        - {fromRegistry: Not_A_Label}
                        - {fromCidr: 10.0.0.0/8, fromRegistry: both}
                      gateways:
                        - {address: gw.example.com, port: 15443}
                        - {registryServiceName: "bad..name", port: 0}
                        - {port: 15443}
                """);
        assertThat(((RevisionOutcome.Rejected) rules).findings()).filteredOn(Finding::isError)
                .extracting(f -> f.line() + " " + f.field() + ": " + f.message()).containsExactlyInAnyOrder(
                        "5 meshNetworks.networks.west.endpoints[0].fromCidr: invalid network west: 10.10.0.0/99 is not a valid CIDR block",
                        "6 meshNetworks.networks.west.endpoints[1].fromRegistry: invalid network west: invalid registry name: Not_A_Label",
                        "7 meshNetworks.networks.west.endpoints[2]: invalid network west: an endpoints entry sets exactly one of "
                                + "fromCidr (an IP block) or fromRegistry (a cluster id)",
                        "9 meshNetworks.networks.west.gateways[0].address: invalid network west: gw.example.com is not a valid IP "
                                + "(Strait does not resolve gateway host names: give the gateway's IP)",
                        "10 meshNetworks.networks.west.gateways[1].registryServiceName: invalid network west: "
                                + "domain name \"bad..name\" invalid (label \"\" invalid)",
                        "10 meshNetworks.networks.west.gateways[1].port: invalid network west: port number 0 must be in the range 1..65535",
                        "11 meshNetworks.networks.west.gateways[2]: invalid network west: a gateway sets exactly one of address "
                                + "(its IP) or registryServiceName (the host of its Service)");
    }
}
