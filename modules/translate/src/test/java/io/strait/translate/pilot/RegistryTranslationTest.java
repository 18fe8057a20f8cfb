package io.strait.translate.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.strait.model.mesh.MeshModel;
import io.strait.model.mesh.ServiceRegistry;
import io.strait.model.mesh.ServiceRegistry.ClusterService;
import io.strait.model.mesh.ServiceRegistry.Endpoint;
import io.strait.model.mesh.ServiceRegistry.Health;
import io.strait.model.mesh.ServiceRegistry.Port;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.model.proxy.ProxyType;
import io.strait.translate.xds.XdsResources;
import io.strait.bus.wire.XdsType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Registry services translated as any service: clusters, assignments by cluster, health, locality, cluster-local. */
class RegistryTranslationTest {
    private static final String HOST = "reviews.bookinfo.svc.cluster.local";
    private static final String CLUSTER = "outbound|9080||" + HOST;

    private static ClusterService reviews(String cluster, String locality, Endpoint... endpoints) {
        return new ClusterService(cluster, "", "bookinfo", "reviews", HOST, Map.of(), List.of(),
                List.of(new Port("grpc", 9080, "GRPC", 0)), List.of(endpoints));
    }

    private static Endpoint pod(String ip, String locality, Health health) {
        return new Endpoint(ip, Map.of("grpc", 7000), Map.of("app", "reviews"), "reviews", locality, health);
    }

    private static ProxyIdentity client(String cluster, String locality) {
        return new ProxyIdentity("sidecar~10.0.0.9~web.bookinfo~bookinfo.svc.cluster.local", ProxyType.GRPC, "10.0.0.9", "web",
                "bookinfo", "default", cluster, Map.of("app", "web"), locality);
    }

    private static ClusterLoadAssignment assignment(XdsResources r, String name) {
        return (ClusterLoadAssignment) r.byType().get(XdsType.EDS).get(name);
    }

    private static List<String> addresses(ClusterLoadAssignment cla) {
        List<String> out = new ArrayList<>();
        cla.getEndpointsList().forEach(l -> l.getLbEndpointsList().forEach((LbEndpoint e) -> out.add(
                e.getEndpoint().getAddress().getSocketAddress().getAddress())));
        return out;
    }

    @Test
    void aServiceOfTwoClustersIsOneClusterWithBothClustersEndpointsDrainingOnesMarked() {
        MeshModel model = MeshModel.of(List.of()).withRegistry(ServiceRegistry.of(List.of(
                reviews("c1", "", pod("10.1.0.1", "", Health.HEALTHY), pod("10.1.0.2", "", Health.UNHEALTHY)),
                reviews("c2", "", pod("10.2.0.1", "", Health.DRAINING)))));
        XdsResources r = new ScopeTranslator().translate(model, client("c1", ""));
        assertThat(r.byType().get(XdsType.CDS)).containsKey(CLUSTER);
        assertThat(r.byType().get(XdsType.LDS)).containsKey(HOST + ":9080");
        ClusterLoadAssignment cla = assignment(r, CLUSTER);
        assertThat(addresses(cla)).containsExactly("10.1.0.1", "10.2.0.1");
        assertThat(cla.getEndpoints(0).getLbEndpointsList()).extracting(LbEndpoint::getHealthStatus)
                .containsExactly(HealthStatus.HEALTHY, HealthStatus.DRAINING);
        assertThat(ScopeTranslator.assignment(model, CLUSTER)).isEqualTo(cla); // the same when served by name
    }

    @Test
    void localityFailoverArrangesTheClustersEndpointsForTheCaller() {
        MeshModel model = TestMeshes.of("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: bookinfo}
                spec:
                  host: reviews
                  trafficPolicy:
                    loadBalancer:
                      localityLbSetting:
                        failover: [{from: eu-west, to: us-east}, {from: us-east, to: eu-west}]
                """).withRegistry(ServiceRegistry.of(List.of(
                reviews("c1", "", pod("10.1.0.1", "eu-west/a", Health.HEALTHY)),
                reviews("c2", "", pod("10.2.0.1", "us-east/a", Health.HEALTHY)))));
        assertThat(model.usesLocality()).isTrue();
        ClusterLoadAssignment eu = assignment(new ScopeTranslator().translate(model, client("c1", "eu-west/a")), CLUSTER);
        assertThat(eu.getEndpointsList()).extracting(l -> l.getLocality().getRegion() + "@" + l.getPriority())
                .containsExactlyInAnyOrder("eu-west@0", "us-east@1");
    }

    @Test
    void aClusterLocalServiceIsServedItsCallersClusterOnly() {
        String dns = "kube-dns.kube-system.svc.cluster.local";
        MeshModel model = MeshModel.of(List.of()).withRegistry(ServiceRegistry.of(List.of(
                new ClusterService("c1", "", "kube-system", "kube-dns", dns, Map.of(), List.of(), List.of(new Port("tcp-dns", 53, "TCP", 0)),
                        List.of(new Endpoint("10.1.0.53", Map.of(), Map.of(), "", "", Health.HEALTHY))),
                new ClusterService("c2", "", "kube-system", "kube-dns", dns, Map.of(), List.of(), List.of(new Port("tcp-dns", 53, "TCP", 0)),
                        List.of(new Endpoint("10.2.0.53", Map.of(), Map.of(), "", "", Health.HEALTHY))))));
        String cluster = "outbound|53||" + dns;
        assertThat(addresses(assignment(new ScopeTranslator().translate(model, client("c1", "")), cluster))).containsExactly("10.1.0.53");
        assertThat(addresses(assignment(new ScopeTranslator().translate(model, client("c2", "")), cluster))).containsExactly("10.2.0.53");
        assertThat(ScopeTranslator.inputsOf(model, client("c1", ""))).isNotEqualTo(ScopeTranslator.inputsOf(model, client("c2", "")));
    }
}
