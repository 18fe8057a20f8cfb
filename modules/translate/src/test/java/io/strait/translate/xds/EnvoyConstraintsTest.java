package io.strait.translate.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import org.junit.jupiter.api.Test;

class EnvoyConstraintsTest {

    @Test
    void aValidRouteConfigurationPasses() {
        RouteConfiguration rc = RouteConfiguration.newBuilder().setName("r").addVirtualHosts(VirtualHost.newBuilder()
                .setName("vh").addDomains("*").addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                        .setRoute(RouteAction.newBuilder().setCluster("c")))).build();
        assertThat(EnvoyConstraints.violations(rc)).isEmpty();
    }

    @Test
    void violationsOfEnvoysRulesAreFoundWithTheirPath() {
        RouteConfiguration rc = RouteConfiguration.newBuilder().setName("r").addVirtualHosts(VirtualHost.newBuilder()
                .setName("vh")
                .addRoutes(Route.newBuilder()
                        .setMatch(RouteMatch.newBuilder().setPrefix("/").addHeaders(HeaderMatcher.newBuilder().setName("")))
                        .setRoute(RouteAction.newBuilder().setWeightedClusters(WeightedCluster.newBuilder()
                                .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("c").setWeight(UInt32Value.of(10))))))
                .addRoutes(Route.newBuilder().setRoute(RouteAction.newBuilder().setCluster("c"))))
                .build();
        assertThat(EnvoyConstraints.violations(rc)).anySatisfy(v -> assertThat(v).contains("headers[0].name"))
                .anySatisfy(v -> assertThat(v).contains("virtual_hosts[0].domains: at least 1 items"))
                .anySatisfy(v -> assertThat(v).contains("routes[1].match: required"))
                .noneSatisfy(v -> assertThat(v).contains("safe_regex"));
    }

    @Test
    void constraintsInsidePackedConfigsAreChecked() {
        Listener listener = Listener.newBuilder().setName("l").setApiListener(ApiListener.newBuilder()
                .setApiListener(Any.pack(HttpConnectionManager.newBuilder().setStatPrefix("").build()))).build();
        assertThat(EnvoyConstraints.violations(listener)).anySatisfy(v -> assertThat(v).contains("<HttpConnectionManager>"));
    }
}
