package io.strait.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the simulated proxies read from resources, parsed once per bytes, and the delta fleet's shared transitions. */
class ResourceFactsTest {
    private static Any cluster(String name, Cluster.DiscoveryType type) {
        return Any.pack(Cluster.newBuilder().setName(name).setType(type).build());
    }

    @Test
    void equalBytesReceivedTwiceAreParsedOnceAndShared() throws Exception {
        Any first = cluster("outbound|8080|v1|svc-1.ns-1.svc.cluster.local", Cluster.DiscoveryType.EDS);
        Any second = Any.parseFrom(first.toByteString()); // a copy, as a second stream decodes it
        ResourceFacts a = ResourceFacts.of(XdsTypes.CDS, first);
        ResourceFacts b = ResourceFacts.of(XdsTypes.CDS, second);
        assertThat(b).isSameAs(a);
        assertThat(a.eds()).isTrue();
        assertThat(a.holds("outbound|8080|v1|svc-1.ns-1.svc.cluster.local")).isTrue();
        assertThat(ResourceFacts.of(XdsTypes.CDS, cluster("x", Cluster.DiscoveryType.STATIC)).eds()).isFalse();
    }

    @Test
    void listenersNameTheirRouteConfigurationsRoutesTheirWeightsAssignmentsTheirAddresses() {
        HttpConnectionManager hcm = HttpConnectionManager.newBuilder().setRds(Rds.newBuilder().setRouteConfigName("8080")).build();
        Any listener = Any.pack(Listener.newBuilder().setName("0.0.0.0_8080").addFilterChains(FilterChain.newBuilder()
                .addFilters(Filter.newBuilder().setName("hcm").setTypedConfig(Any.pack(hcm)))).build());
        assertThat(ResourceFacts.of(XdsTypes.LDS, listener).routeNames()).containsExactly("8080");

        RouteAction split = RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
                .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("outbound|8080|v1|svc-1").setWeight(UInt32Value.of(90)))
                .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("outbound|8080|v2|svc-1").setWeight(UInt32Value.of(10))))
                .build();
        Any routes = Any.pack(RouteConfiguration.newBuilder().setName("8080").addVirtualHosts(VirtualHost.newBuilder()
                .setName("svc-1").addRoutes(Route.newBuilder().setRoute(split))).build());
        assertThat(ResourceFacts.of(XdsTypes.RDS, routes).holds("outbound|8080|v1|svc-1=90")).isTrue();
        assertThat(ResourceFacts.of(XdsTypes.RDS, routes).holds("outbound|8080|v1|svc-1=91")).isFalse();

        Any assignment = Any.pack(ClusterLoadAssignment.newBuilder().setClusterName("outbound|8080||svc-1")
                .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder()
                        .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("172.16.0.1"))))))
                .build());
        assertThat(ResourceFacts.of(XdsTypes.EDS, assignment).holds("172.16.0.1")).isTrue();
    }

    @Test
    void equalNameListsAreOneInstance() {
        assertThat(ResourceFacts.intern(new java.util.ArrayList<>(List.of("a", "b")))).isSameAs(ResourceFacts.intern(List.of("a", "b")));
    }

    @Test
    void deltaTransitionsSubscribeNewEdsClustersAndUnsubscribeRemovedOnes() {
        ResourceFacts eds1 = ResourceFacts.of(XdsTypes.CDS, cluster("c1", Cluster.DiscoveryType.EDS));
        ResourceFacts eds2 = ResourceFacts.of(XdsTypes.CDS, cluster("c2", Cluster.DiscoveryType.EDS));
        ResourceFacts plain = ResourceFacts.of(XdsTypes.CDS, cluster("c3", Cluster.DiscoveryType.STATIC));
        DeltaProxy.Transition first = DeltaProxy.apply(new DeltaProxy.Step(DeltaProxy.Held.EMPTY, List.of(eds1, eds2, plain), List.of()), true);
        assertThat(first.subscribe()).containsExactlyInAnyOrder("c1", "c2");
        assertThat(first.to().byName).hasSize(3);

        DeltaProxy.Transition second = DeltaProxy.apply(new DeltaProxy.Step(first.to(), List.of(), List.of("c2")), true);
        assertThat(second.unsubscribe()).containsExactly("c2");
        assertThat(second.subscribe()).isEmpty();
        assertThat(second.to().byName).containsOnlyKeys("c1", "c3");
    }
}
