package io.strait.translate.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.strait.model.istio.MeshConfig;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.translate.xds.XdsResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden files of a two-network mesh ({@code golden/multi-network/config.in.yaml} with its {@code mesh.yaml}): the
 * split-horizon assignments of a sidecar in each network and of one that gives no network, the clusters of the
 * west sidecar (assignment names per network, the SNI an east-west gateway routes by), and east's east-west
 * gateway (its AUTO_PASSTHROUGH listener, SNI-DNAT clusters and their local endpoints). Regenerated with the same
 * flag as {@link GoldenFilesTest}: {@code -Dstrait.golden.update=true}.
 */
class MultiNetworkGoldenTest {
    private static final Path DIR = Path.of("src/test/resources/golden/multi-network");

    private static MeshModel model() throws IOException {
        return GoldenFilesTest.model(Map.of("config.in.yaml", Files.readString(DIR.resolve("config.in.yaml")),
                MeshConfig.FILE_NAME, Files.readString(DIR.resolve("mesh.yaml"))));
    }

    static ProxyIdentity sidecar(String network) {
        return ProxyIdentity.of("sidecar~10.1.0.7~client-1.shop~shop.svc.cluster.local",
                network.isEmpty() ? Map.of() : Map.of("NETWORK", network), Map.of("app", "client"));
    }

    static ProxyIdentity eastWestGateway(String network) {
        return ProxyIdentity.of("router~10.20.9.1~eastwest-1.istio-system~istio-system.svc.cluster.local",
                Map.of("NETWORK", network), Map.of("istio", "eastwestgateway"));
    }

    @Test
    void sidecarsInEachNetworkGetTheirSplitHorizonAssignments() throws IOException {
        MeshModel model = model();
        for (String network : new String[] {"west", "east", ""}) {
            XdsResources out = new ScopeTranslator().translate(model, sidecar(network));
            XdsConsistency.check(out);
            String name = "sidecar-" + (network.isEmpty() ? "no-network" : network);
            GoldenFilesTest.compare(DIR, name + ".endpoints.json", out.endpoints());
            if (network.equals("west")) {
                GoldenFilesTest.compare(DIR, name + ".clusters.json", out.clusters().stream()
                        .filter(c -> c.getName().contains("reviews")).toList());
            }
        }
    }

    @Test
    void theEastWestGatewayRoutesBySniToItsLocalEndpoints() throws IOException {
        XdsResources out = new ScopeTranslator().translate(model(), eastWestGateway("east"));
        XdsConsistency.check(out);
        GoldenFilesTest.compare(DIR, "eastwest-east.listeners.json", out.listeners());
        GoldenFilesTest.compare(DIR, "eastwest-east.clusters.json", out.clusters().stream()
                .filter(c -> c.getName().startsWith("outbound_.")).toList());
        GoldenFilesTest.compare(DIR, "eastwest-east.endpoints.json", out.endpoints().stream()
                .filter(c -> c.getClusterName().startsWith("outbound_.")).toList());
        assertThat(out.clusters()).filteredOn(c -> c.getName().startsWith("outbound_."))
                .allSatisfy(c -> assertThat(c.hasTransportSocket() || c.getTransportSocketMatchesCount() > 0).isFalse())
                .extracting(Cluster::getName).contains("outbound_.9080_._.reviews.shop.svc.cluster.local",
                        "outbound_.9080_.v1_.reviews.shop.svc.cluster.local", "outbound_.9080_.v2_.reviews.shop.svc.cluster.local");
    }

    @Test
    void anAssignmentServedByNameIsWhatTheScopesOfItsNetworkAreTranslatedTo() throws IOException {
        MeshModel model = model();
        for (ProxyIdentity proxy : java.util.List.of(sidecar("west"), sidecar("east"), sidecar(""), eastWestGateway("east"))) {
            XdsResources out = new ScopeTranslator().translate(model, proxy);
            assertThat(out.endpoints()).isNotEmpty().allSatisfy(cla ->
                    assertThat(ScopeTranslator.assignment(model, cla.getClusterName())).isEqualTo(cla));
        }
        // with one network (no gateways) nothing is named per network, whatever the proxies say
        MeshModel single = GoldenFilesTest.model(Map.of("config.in.yaml", Files.readString(DIR.resolve("config.in.yaml"))
                .replace("topology.istio.io/network: east", "app: gateway")));
        assertThat(single.networks().multiNetwork()).isFalse();
        XdsResources out = new ScopeTranslator().translate(single, sidecar("west"));
        assertThat(out.endpoints()).extracting(c -> c.getClusterName()).noneMatch(n -> n.contains("~"));
        assertThat(ScopeTranslator.inputsOf(single, sidecar("west"))).isEqualTo(ScopeTranslator.inputsOf(single, sidecar("east")));
    }
}
