package io.strait.ingest.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditionsBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.strait.bus.envelope.ClusterService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The pure core of the Kubernetes registry: Istio's rules from objects to ClusterService records. */
class RegistryBuilderTest {
    private final RegistryBuilder builder = new RegistryBuilder("east", "net-1", "cluster.local");

    @ParameterizedTest(name = "{0} port {1} ({2}, appProtocol {3}) is \"{4}\"")
    @CsvSource(nullValues = "null", value = {
            "http, 80, TCP, null, HTTP",
            "http-web, 8080, TCP, null, HTTP",
            "HTTP2-x, 80, TCP, null, HTTP2",
            "grpc, 9090, TCP, null, GRPC",
            "grpc-web-ui, 9090, TCP, null, GRPC-WEB",
            "tcp-db, 5432, TCP, null, TCP",
            "tls, 443, TCP, null, TLS",
            "https-admin, 8443, TCP, null, HTTPS",
            "mongo, 27018, TCP, null, MONGO",
            "redis, 6379, TCP, null, REDIS",
            "mysql, 3307, TCP, null, MYSQL",
            "web, 80, TCP, null, ''",
            "null, 3306, TCP, null, TCP",
            "null, 53, TCP, null, TCP",
            "dns, 53, UDP, null, UDP",
            "web, 80, TCP, http, HTTP",
            "http, 80, TCP, grpc, GRPC",
            "web, 80, TCP, kubernetes.io/h2c, HTTP2",
            "web, 80, TCP, kubernetes.io/ws, HTTP",
            "web, 443, TCP, kubernetes.io/wss, HTTPS",
            "http, 80, TCP, custom.example/thing, ''",
    })
    void portProtocolFollowsIstio(String name, int port, String l4, String appProtocol, String expected) {
        assertThat(PortProtocol.of(port, name, l4, appProtocol)).isEqualTo(expected);
    }

    private static EndpointConditions conditions(Boolean ready, Boolean serving, Boolean terminating) {
        return new EndpointConditionsBuilder().withReady(ready).withServing(serving).withTerminating(terminating).build();
    }

    @Test
    void healthComesFromTheSliceConditions() {
        assertThat(RegistryBuilder.health(null)).isEqualTo("HEALTHY");
        assertThat(RegistryBuilder.health(conditions(null, null, null))).isEqualTo("HEALTHY");
        assertThat(RegistryBuilder.health(conditions(true, true, false))).isEqualTo("HEALTHY");
        assertThat(RegistryBuilder.health(conditions(false, true, true))).isEqualTo("DRAINING");
        assertThat(RegistryBuilder.health(conditions(false, false, true))).isEqualTo("UNHEALTHY");
        assertThat(RegistryBuilder.health(conditions(false, true, false))).isEqualTo("UNHEALTHY");
    }

    private static Node node(String name, Map<String, String> labels) {
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
    }

    @Test
    void localityFromTheNodeOrThePodsOverride() {
        Node n = node("n", Map.of(RegistryBuilder.REGION_LABEL, "us-east1", RegistryBuilder.ZONE_LABEL, "us-east1-b",
                RegistryBuilder.SUBZONE_LABEL, "rack7"));
        assertThat(RegistryBuilder.locality(Map.of(), n)).isEqualTo("us-east1/us-east1-b/rack7");
        assertThat(RegistryBuilder.locality(Map.of(), node("m", Map.of(RegistryBuilder.REGION_LABEL, "eu", RegistryBuilder.ZONE_LABEL, "eu-1"))))
                .isEqualTo("eu/eu-1");
        assertThat(RegistryBuilder.locality(Map.of("istio-locality", "r.z.s"), n)).isEqualTo("r/z/s");
        assertThat(RegistryBuilder.locality(Map.of(), null)).isEmpty();
    }

    private static ClusterSnapshot snapshot(List<Service> services, List<EndpointSlice> slices, List<Pod> pods,
                                            Map<String, String> nsLabels) {
        return ClusterSnapshot.of(services, slices, pods,
                List.of(node("node-a", Map.of(RegistryBuilder.REGION_LABEL, "eu", RegistryBuilder.ZONE_LABEL, "eu-1a"))),
                List.of(new NamespaceBuilder().withNewMetadata().withName("shop").withLabels(nsLabels).endMetadata().build()));
    }

    @Test
    void aServiceWithItsEndpointsAndTheNetworkLabels() {
        Pod ready = MockCluster.pod("shop", "cart-1", "10.0.0.1", "node-a", Map.of("app", "cart", "security.istio.io/tlsMode", "istio"));
        Pod other = MockCluster.pod("shop", "cart-2", "10.0.0.2", "node-a",
                Map.of("app", "cart", RegistryBuilder.NETWORK_LABEL, "net-pod"));
        Pod leaving = MockCluster.pod("shop", "cart-3", "10.0.0.3", "node-a", Map.of("app", "cart"));
        ClusterSnapshot s = snapshot(List.of(MockCluster.service("shop", "cart", "10.96.1.1", 8080)),
                List.of(MockCluster.slice("shop", "cart", "cart-a", 8080, false, ready, other),
                        MockCluster.slice("shop", "cart", "cart-b", 8080, true, leaving)),
                List.of(ready, other, leaving), Map.of(RegistryBuilder.NETWORK_LABEL, "net-ns"));
        ClusterService svc = builder.build(s, 7).services().get("east/shop/cart");
        assertThat(svc.hostname()).isEqualTo("cart.shop.svc.cluster.local");
        assertThat(svc.network()).as("the namespace's label overrides the cluster's").isEqualTo("net-ns");
        assertThat(svc.observedAt()).isEqualTo(7);
        assertThat(svc.endpoints()).extracting(ClusterService.Endpoint::address).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(svc.endpoints()).extracting(ClusterService.Endpoint::health).containsExactly("HEALTHY", "HEALTHY", "DRAINING");
        ClusterService.Endpoint first = svc.endpoints().get(0);
        assertThat(first.labels()).containsEntry("security.istio.io/tlsMode", "istio").containsEntry(RegistryBuilder.CLUSTER_LABEL, "east")
                .containsEntry(RegistryBuilder.NETWORK_LABEL, "net-ns").containsEntry(RegistryBuilder.ZONE_LABEL, "eu-1a")
                .containsEntry(RegistryBuilder.HOSTNAME_LABEL, "node-a");
        assertThat(first.locality()).isEqualTo("eu/eu-1a");
        assertThat(first.serviceAccount()).isEqualTo("cart");
        assertThat(svc.endpoints().get(1).labels()).as("the pod's label overrides both").containsEntry(RegistryBuilder.NETWORK_LABEL, "net-pod");
    }

    @Test
    void conflictingPortsLeaveTheServiceOutAndNameIt() {
        Service twice = new ServiceBuilder(MockCluster.service("shop", "dup", "10.96.1.2", 80)).editSpec()
                .addNewPort().withName("http-alt").withPort(80).endPort().endSpec().build();
        Service sameName = new ServiceBuilder(MockCluster.service("shop", "named", "10.96.1.3", 80)).editSpec()
                .addNewPort().withName("http").withPort(81).endPort().endSpec().build();
        Service fine = MockCluster.service("shop", "fine", "10.96.1.4", 80);
        RegistryBuilder.Registry r = builder.build(snapshot(List.of(twice, sameName, fine), List.of(), List.of(), Map.of()), 1);
        assertThat(r.services()).containsOnlyKeys("east/shop/fine");
        assertThat(r.problems().get("shop/dup")).contains("cluster east", "Service shop/dup", "port 80/TCP");
        assertThat(r.problems().get("shop/named")).contains("both named \"http\"");
    }

    @Test
    void aLoadBalancerGatewayIsReachableAtItsIngressAndExternalIps() {
        Service gateway = new ServiceBuilder(MockCluster.service("istio-system", "istio-eastwestgateway", "10.96.9.9", 15443))
                .editSpec().withExternalIPs("198.51.100.7", "203.0.113.5").endSpec()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("203.0.113.5").endIngress()
                .addNewIngress().withHostname("gw.example.com").endIngress().endLoadBalancer().endStatus().build();
        ClusterService svc = builder.build(snapshot(List.of(gateway), List.of(), List.of(), Map.of()), 1).services()
                .get("east/istio-system/istio-eastwestgateway");
        assertThat(svc.addresses()).containsExactly("10.96.9.9");
        assertThat(svc.externalAddresses()).as("ingress IPs first, then externalIPs, once each; host names are not IPs")
                .containsExactly("203.0.113.5", "198.51.100.7");
    }

    @Test
    void headlessHasNoAddressesAndExternalNameIsLeftOut() {
        Service headless = new ServiceBuilder(MockCluster.service("shop", "db", "None", 5432)).build();
        Service external = new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("ext").endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName("example.com").endSpec().build();
        Pod db = MockCluster.pod("shop", "db-0", "10.0.0.9", "node-a", Map.of("app", "db"));
        RegistryBuilder.Registry r = builder.build(snapshot(List.of(headless, external),
                List.of(MockCluster.slice("shop", "db", "db-a", 5432, false, db)), List.of(db), Map.of()), 1);
        assertThat(r.services()).containsOnlyKeys("east/shop/db");
        ClusterService svc = r.services().get("east/shop/db");
        assertThat(svc.addresses()).isEmpty();
        assertThat(svc.network()).isEqualTo("net-1");
        assertThat(svc.endpoints()).extracting(ClusterService.Endpoint::address).containsExactly("10.0.0.9");
    }

    @Test
    void onlyContentChangesAreWritten() {
        ClusterSnapshot s = snapshot(List.of(MockCluster.service("shop", "cart", "10.96.1.1", 8080)), List.of(), List.of(), Map.of());
        PublishedEndpoints published = new PublishedEndpoints(Map.of());
        List<PublishedEndpoints.Write> first = published.changes(builder.build(s, 1).services(), k -> true);
        assertThat(first).hasSize(1);
        published.applied(first);
        assertThat(published.changes(builder.build(s, 2).services(), k -> true)).as("only observedAt differs").isEmpty();
        ClusterSnapshot gone = snapshot(List.of(), List.of(), List.of(), Map.of());
        assertThat(published.changes(builder.build(gone, 3).services(), k -> !k.equals("shop/cart"))).as("out of scope").isEmpty();
        assertThat(published.changes(builder.build(gone, 3).services(), k -> true)).containsExactly(new PublishedEndpoints.Write("east/shop/cart", null));
    }
}
