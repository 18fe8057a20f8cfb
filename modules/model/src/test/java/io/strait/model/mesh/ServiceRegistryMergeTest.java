package io.strait.model.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.model.istio.IstioResource;
import io.strait.model.istio.Kind;
import io.strait.model.istio.MeshConfig;
import io.strait.model.istio.ObjectMeta;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.json.Json;
import io.strait.model.mesh.ServiceRegistry.ClusterService;
import io.strait.model.mesh.ServiceRegistry.Endpoint;
import io.strait.model.mesh.ServiceRegistry.Health;
import io.strait.model.mesh.ServiceRegistry.Port;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.model.proxy.ProxyType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The clusters' registries merged into the mesh model by hostname (Istio's aggregate registry). */
class ServiceRegistryMergeTest {
    private static final String HOST = "reviews.default.svc.cluster.local";

    static ClusterService reviews(String cluster, String network, List<Endpoint> endpoints) {
        return new ClusterService(cluster, network, "default", "reviews", HOST, Map.of("app", "reviews"),
                List.of(cluster.equals("c1") ? "10.96.0.10" : "10.97.0.10"),
                List.of(new Port("http", 9080, "HTTP", 0)), endpoints);
    }

    static Endpoint pod(String ip, String version, String sa, String locality, Health health) {
        return new Endpoint(ip, Map.of("http", 9080), Map.of("app", "reviews", "version", version,
                "security.istio.io/tlsMode", "istio"), sa, locality, health);
    }

    private static MeshModel model(ServiceRegistry registry, IstioResource... config) {
        return MeshModel.of(List.of(config)).withRegistry(registry);
    }

    @Test
    void twoClustersOfOneHostnameAreOneServiceWithBothClustersEndpointsTagged() {
        ServiceRegistry registry = ServiceRegistry.of(List.of(
                reviews("c1", "net1", List.of(pod("10.1.0.1", "v1", "bookinfo-reviews", "us/a", Health.HEALTHY))),
                reviews("c2", "net2", List.of(pod("10.2.0.1", "v2", "bookinfo-reviews", "eu/b", Health.HEALTHY)))));
        MeshModel model = model(registry);

        MeshModel.Service s = model.service(HOST).orElseThrow();
        assertThat(model.services()).hasSize(1);
        assertThat(s.namespace()).isEqualTo("default");
        assertThat(s.declaredBy().toString()).isEqualTo("Service/default/reviews");
        assertThat(s.entry().location()).isEqualTo("MESH_INTERNAL");
        assertThat(s.entry().resolution()).isEqualTo("STATIC");
        assertThat(s.entry().addresses()).containsExactly("10.96.0.10", "10.97.0.10");
        assertThat(s.entry().ports()).extracting(ServiceEntry.ServicePort::number).containsExactly(9080);
        assertThat(s.port(9080).orElseThrow().isHttp()).isTrue();
        assertThat(model.labelsOf(s)).containsEntry("app", "reviews");

        List<ServiceEntry.WorkloadEntry> eps = model.endpointsOf(s);
        assertThat(eps).extracting(ServiceEntry.WorkloadEntry::address).containsExactly("10.1.0.1", "10.2.0.1");
        assertThat(eps).extracting(ServiceEntry.WorkloadEntry::network).containsExactly("net1", "net2");
        assertThat(eps).extracting(ServiceEntry.WorkloadEntry::locality).containsExactly("us/a", "eu/b");
        assertThat(eps.get(0).labels()).containsEntry("topology.istio.io/cluster", "c1").containsEntry("version", "v1");
        assertThat(eps.get(1).labels()).containsEntry("topology.istio.io/cluster", "c2");
        assertThat(eps.get(0).ports()).containsEntry("http", 9080);
        assertThat(model.identitiesOf(s)).containsExactly("spiffe://cluster.local/ns/default/sa/bookinfo-reviews");
        // visible everywhere (exportTo: the mesh default)
        ProxyIdentity other = new ProxyIdentity("p", ProxyType.GRPC, "10.0.0.9", "p", "other", "default", "c1", Map.of(), "");
        assertThat(model.servicesFor(other)).extracting(MeshModel.Service::host).containsExactly(HOST);
    }

    @Test
    void portsAreTheUnionByNumberAndEndpointPortsFollowTheMergedNames() {
        ClusterService c1 = new ClusterService("c1", "", "default", "reviews", HOST, Map.of(), List.of(),
                List.of(new Port("http", 9080, "HTTP", 8080)),
                List.of(new Endpoint("10.1.0.1", Map.of(), Map.of(), "", "", Health.HEALTHY)));
        ClusterService c2 = new ClusterService("c2", "", "default", "reviews", HOST, Map.of(), List.of(),
                List.of(new Port("web", 9080, "HTTP", 0), new Port("grpc", 9090, "GRPC", 0)),
                List.of(new Endpoint("10.2.0.1", Map.of("web", 7070, "grpc", 7071), Map.of(), "", "", Health.HEALTHY)));
        MeshModel.Service s = model(ServiceRegistry.of(List.of(c2, c1))).service(HOST).orElseThrow();
        assertThat(s.entry().ports()).extracting(ServiceEntry.ServicePort::name).containsExactly("http", "grpc");
        assertThat(s.entry().endpoints().get(0).ports()).isEqualTo(Map.of("http", 8080));
        assertThat(s.entry().endpoints().get(1).ports()).isEqualTo(Map.of("http", 7070, "grpc", 7071));
    }

    @Test
    void aKubernetesServiceTakesItsHostFromAServiceEntry() {
        IstioResource se = new IstioResource("networking.istio.io/v1", Kind.SERVICE_ENTRY,
                new ObjectMeta("squatter", "default", Map.of(), Map.of(), null),
                new ServiceEntry(List.of(HOST, "other.example.com"), List.of(), List.of(new ServiceEntry.ServicePort(80, "HTTP", "http", null)),
                        "MESH_EXTERNAL", "STATIC", List.of(new ServiceEntry.WorkloadEntry("1.2.3.4", Map.of(), Map.of(), null, null, null, null)),
                        List.of(), null, List.of()));
        MeshModel configOnly = MeshModel.of(List.of(se));
        assertThat(configOnly.service(HOST).orElseThrow().declaredBy().kind()).isEqualTo("ServiceEntry");

        MeshModel model = configOnly.withRegistry(ServiceRegistry.of(List.of(
                reviews("c1", "", List.of(pod("10.1.0.1", "v1", "r", "", Health.HEALTHY))))));
        assertThat(model.service(HOST).orElseThrow().declaredBy().toString()).isEqualTo("Service/default/reviews");
        assertThat(model.endpointsOf(model.service(HOST).get())).extracting(ServiceEntry.WorkloadEntry::address)
                .containsExactly("10.1.0.1");
        assertThat(model.service("other.example.com")).isPresent(); // the entry's other hosts stay
        assertThat(model.resources()).hasSize(1); // the registry is not config
        // without the Service again, the ServiceEntry has its host back
        assertThat(model.withRegistry(ServiceRegistry.EMPTY).service(HOST).orElseThrow().declaredBy().kind()).isEqualTo("ServiceEntry");
    }

    @Test
    void unhealthyEndpointsAreLeftOutAndDrainingOnesMarked() {
        MeshModel model = model(ServiceRegistry.of(List.of(reviews("c1", "", List.of(
                pod("10.1.0.1", "v1", "r", "", Health.HEALTHY),
                pod("10.1.0.2", "v1", "r", "", Health.UNHEALTHY),
                pod("10.1.0.3", "v1", "r", "", Health.DRAINING))))));
        List<ServiceEntry.WorkloadEntry> eps = model.endpointsOf(model.service(HOST).orElseThrow());
        assertThat(eps).extracting(ServiceEntry.WorkloadEntry::address).containsExactly("10.1.0.1", "10.1.0.3");
        assertThat(eps.get(0).labels()).doesNotContainKey(ServiceRegistry.HEALTH_LABEL);
        assertThat(eps.get(1).labels()).containsEntry(ServiceRegistry.HEALTH_LABEL, ServiceRegistry.DRAINING);
        assertThat(Health.of("draining")).isEqualTo(Health.DRAINING);
    }

    @Test
    void aTombstoneOfOneClusterKeepsTheOthersEndpoints() {
        ServiceRegistry both = ServiceRegistry.of(List.of(
                reviews("c1", "", List.of(pod("10.1.0.1", "v1", "r", "", Health.HEALTHY))),
                reviews("c2", "", List.of(pod("10.2.0.1", "v1", "r", "", Health.HEALTHY)))));
        ServiceRegistry one = both.without("c1/default/reviews");
        MeshModel model = model(one);
        assertThat(model.endpointsOf(model.service(HOST).orElseThrow())).extracting(ServiceEntry.WorkloadEntry::address)
                .containsExactly("10.2.0.1");
        assertThat(model.service(HOST).get().entry().addresses()).containsExactly("10.97.0.10");
        assertThat(both.services()).hasSize(2); // immutable: the old registry is unchanged
        assertThat(model(one.without("c2/default/reviews")).service(HOST)).isEmpty();
        // a relist in another order is the same model
        ServiceRegistry relisted = ServiceRegistry.of(List.of(reviews("c2", "", List.of(pod("10.2.0.1", "v1", "r", "", Health.HEALTHY))),
                reviews("c1", "", List.of(pod("10.1.0.1", "v1", "r", "", Health.HEALTHY)))));
        assertThat(relisted).isEqualTo(both);
    }

    @Test
    void clusterLocalHostsAreServedOnlyTheirOwnClustersEndpoints() throws Exception {
        String dns = "kube-dns.kube-system.svc.cluster.local";
        List<ClusterService> records = List.of(
                new ClusterService("c1", "", "kube-system", "kube-dns", dns, Map.of(), List.of(), List.of(new Port("dns", 53, "UDP", 0)),
                        List.of(new Endpoint("10.1.0.53", Map.of(), Map.of(), "", "", Health.HEALTHY))),
                new ClusterService("c2", "", "kube-system", "kube-dns", dns, Map.of(), List.of(), List.of(new Port("dns", 53, "UDP", 0)),
                        List.of(new Endpoint("10.2.0.53", Map.of(), Map.of(), "", "", Health.HEALTHY))),
                reviews("c1", "", List.of(pod("10.1.0.1", "v1", "r", "", Health.HEALTHY))),
                reviews("c2", "", List.of(pod("10.2.0.1", "v1", "r", "", Health.HEALTHY))));
        // Istio's default: kube-system is cluster-local
        MeshModel model = model(ServiceRegistry.of(records));
        assertThat(model.isClusterLocal(dns)).isTrue();
        assertThat(model.isClusterLocal(HOST)).isFalse();
        assertThat(model.hasClusterLocalServices()).isTrue();
        MeshModel fromC1 = model.forCluster("c1");
        assertThat(fromC1.endpointsOf(fromC1.service(dns).orElseThrow())).extracting(ServiceEntry.WorkloadEntry::address)
                .containsExactly("10.1.0.53");
        assertThat(fromC1.endpointsOf(fromC1.service(HOST).orElseThrow())).hasSize(2);
        assertThat(model.endpointsOf(model.service(dns).orElseThrow())).hasSize(2); // the whole registry, unviewed

        // serviceSettings: reviews made cluster-local, kube-system's default turned off
        IstioResource mesh = new IstioResource("v1", Kind.MESH_CONFIG, new ObjectMeta("mesh", null, Map.of(), Map.of(), null),
                new MeshConfig(Json.MAPPER.readTree("{\"serviceSettings\":[{\"settings\":{\"clusterLocal\":true},"
                        + "\"hosts\":[\"*.default.svc.cluster.local\"]},{\"settings\":{\"clusterLocal\":false},"
                        + "\"hosts\":[\"*.kube-system.svc.cluster.local\"]}]}")));
        MeshModel configured = model(ServiceRegistry.of(records), mesh).forCluster("c2");
        assertThat(configured.isClusterLocal(dns)).isFalse();
        assertThat(configured.endpointsOf(configured.service(HOST).orElseThrow())).extracting(ServiceEntry.WorkloadEntry::address)
                .containsExactly("10.2.0.1");
        assertThat(configured.endpointsOf(configured.service(dns).orElseThrow())).hasSize(2);
    }

    @Test
    void clusterLocalFollowsTheMostSpecificSetting() throws Exception {
        MeshConfig mc = new MeshConfig(Json.MAPPER.readTree("{\"serviceSettings\":[{\"settings\":{\"clusterLocal\":true},"
                + "\"hosts\":[\"*.svc.cluster.local\"]},{\"settings\":{\"clusterLocal\":false},\"hosts\":[\"a.b.svc.cluster.local\","
                + "\"*.c.svc.cluster.local\"]}]}"));
        assertThat(mc.isClusterLocal("x.y.svc.cluster.local")).isTrue();
        assertThat(mc.isClusterLocal("a.b.svc.cluster.local")).isFalse();
        assertThat(mc.isClusterLocal("d.c.svc.cluster.local")).isFalse();
        assertThat(mc.isClusterLocal("example.com")).isFalse();
        assertThat(MeshConfig.DEFAULT.isClusterLocal("kubernetes.default.svc.cluster.local")).isTrue();
        assertThat(MeshConfig.DEFAULT.isClusterLocal("coredns.kube-system.svc.cluster.local")).isTrue();
        assertThat(MeshConfig.DEFAULT.isClusterLocal("reviews.default.svc.cluster.local")).isFalse();
    }
}
