package io.strait.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopeCacheTest {
    private static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

    private static Snapshot routes(String version, String... names) {
        List<RouteConfiguration> rds = new ArrayList<>();
        for (String n : names) {
            rds.add(RouteConfiguration.newBuilder().setName(n).build());
        }
        return Snapshot.create(List.of(), version, List.of(), version, List.of(), version, rds, version, List.of(), version);
    }

    private static List<Response> watchRoutes(SimpleCache<String> cache) {
        List<Response> answers = new ArrayList<>();
        cache.createWatch(true, XdsRequest.create(DiscoveryRequest.newBuilder().setNode(Node.newBuilder().setId("p"))
                .setTypeUrl(RDS).addResourceNames("web:80").build()), Set.of(), answers::add, false, false);
        return answers;
    }

    @Test
    void aWatchASnapshotCannotAnswerStaysOpenForTheNextOne() {
        SimpleCache<String> cache = new ScopeCache(node -> "scope");
        List<Response> answers = watchRoutes(cache);
        cache.setSnapshot("scope", routes("1")); // built from an empty model: no routes yet
        assertThat(answers).isEmpty();
        cache.setSnapshot("scope", routes("2", "web:80"));
        assertThat(answers).hasSize(1);
        assertThat(answers.get(0).resources()).hasSize(1);
    }

    @Test
    void theLibraryAloneDropsThatWatch() {
        // documents the fault ScopeCache mends: with java-control-plane's own cache the proxy is never answered
        SimpleCache<String> cache = new SimpleCache<>(node -> "scope");
        List<Response> answers = watchRoutes(cache);
        cache.setSnapshot("scope", routes("1"));
        cache.setSnapshot("scope", routes("2", "web:80"));
        assertThat(answers).isEmpty();
    }
}
