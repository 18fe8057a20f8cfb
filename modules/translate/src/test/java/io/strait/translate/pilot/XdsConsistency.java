package io.strait.translate.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.strait.translate.xds.EnvoyConstraints;
import io.strait.translate.xds.XdsResources;
import java.util.HashSet;
import java.util.Set;

/**
 * The promises a scope's resources keep towards a proxy, checked on every translation the tests make: each
 * resource meets Envoy's field constraints; every cluster a route, TCP proxy or assignment names is carried; every
 * route configuration a listener names by RDS is carried; no two virtual hosts of a route configuration share a
 * domain (Envoy refuses the whole configuration).
 */
final class XdsConsistency {
    private XdsConsistency() {
    }

    static void check(XdsResources out) {
        out.byType().values().forEach(resources -> resources.forEach((name, r) ->
                assertThat(EnvoyConstraints.violations(r))
                        .as("Envoy constraints of %s", name).isEmpty()));
        Set<String> clusters = new HashSet<>();
        out.clusters().forEach(c -> clusters.add(c.getName()));
        Set<String> routeNames = new HashSet<>();
        out.routes().forEach(rc -> routeNames.add(rc.getName()));
        // an assignment is named after its EDS cluster's service_name (the cluster's name, or <name>~<network>)
        Set<String> edsNames = new HashSet<>();
        out.clusters().stream().filter(c -> c.getType() == io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType.EDS)
                .forEach(c -> edsNames.add(c.getEdsClusterConfig().getServiceName().isEmpty() ? c.getName()
                        : c.getEdsClusterConfig().getServiceName()));
        out.endpoints().forEach(e -> assertThat(edsNames).contains(e.getClusterName()));
        out.routes().forEach(rc -> routes(rc, clusters));
        out.listeners().forEach(l -> {
            if (l.hasApiListener()) {
                HttpConnectionManager hcm = unpack(l.getApiListener().getApiListener(), HttpConnectionManager.class);
                assertThat(routeNames).as("RDS of %s", l.getName()).contains(hcm.getRds().getRouteConfigName());
            }
            l.getFilterChainsList().forEach(chain -> chain.getFiltersList().forEach(f -> filter(l.getName(), f, clusters, routeNames)));
        });
    }

    private static void filter(String listener, Filter f, Set<String> clusters, Set<String> routeNames) {
        if (f.getName().equals(Listeners.HCM)) {
            HttpConnectionManager hcm = unpack(f.getTypedConfig(), HttpConnectionManager.class);
            if (hcm.hasRds()) {
                assertThat(routeNames).as("RDS of %s", listener).contains(hcm.getRds().getRouteConfigName());
            } else {
                routes(hcm.getRouteConfig(), clusters);
            }
        } else if (f.getName().equals(Listeners.TCP_PROXY)) {
            TcpProxy proxy = unpack(f.getTypedConfig(), TcpProxy.class);
            if (proxy.hasWeightedClusters()) {
                proxy.getWeightedClusters().getClustersList().forEach(w -> assertThat(clusters).as("TCP proxy of %s", listener).contains(w.getName()));
            } else {
                assertThat(clusters).as("TCP proxy of %s", listener).contains(proxy.getCluster());
            }
        }
    }

    private static void routes(RouteConfiguration rc, Set<String> clusters) {
        Set<String> domains = new HashSet<>();
        rc.getVirtualHostsList().forEach(vh -> {
            vh.getDomainsList().forEach(d -> assertThat(domains.add(d)).as("domain %s twice in %s", d, rc.getName()).isTrue());
            vh.getRoutesList().forEach(r -> {
                if (!r.hasRoute()) {
                    return; // a redirect or direct response names no cluster
                }
                if (r.getRoute().hasWeightedClusters()) {
                    r.getRoute().getWeightedClusters().getClustersList().forEach(w -> assertThat(clusters).contains(w.getName()));
                } else {
                    assertThat(clusters).contains(r.getRoute().getCluster());
                }
            });
        });
    }

    private static <T extends com.google.protobuf.Message> T unpack(com.google.protobuf.Any any, Class<T> type) {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
