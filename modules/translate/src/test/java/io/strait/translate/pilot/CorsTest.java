package io.strait.translate.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyType;
import org.junit.jupiter.api.Test;

/**
 * CORS: Envoy routes carry the policy for the CORS filter that heads their chain; proxyless gRPC routes carry
 * nothing, since a gRPC client refuses per-route config for a filter it lacks.
 */
class CorsTest {
    private final MeshModel model = TestMeshes.webWithRoutes("""
            - route: [{destination: {host: web}}]
              corsPolicy: {allowOrigin: ["*"], allowMethods: [GET]}
            """);

    private Route route(ProxyType proxy) {
        return TestMeshes.webRoutes(model, proxy).get(0);
    }

    @Test
    void envoyRoutesCarryThePolicyAndGrpcRoutesDoNot() throws Exception {
        var policy = route(ProxyType.SIDECAR).getTypedPerFilterConfigOrThrow(Cors.FILTER)
                .unpack(io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy.class);
        assertThat(policy.getAllowOriginStringMatch(0).getSafeRegex().getRegex()).as("* allows any origin").isEqualTo(".*");
        assertThat(policy.getAllowMethods()).isEqualTo("GET");
        assertThat(route(ProxyType.GRPC).getTypedPerFilterConfigMap()).isEmpty();
        assertThat(HttpFilters.envoyOutbound().get(0).getName()).isEqualTo(Cors.FILTER);
        assertThat(HttpFilters.outbound()).noneMatch(f -> f.getName().equals(Cors.FILTER));
    }
}
