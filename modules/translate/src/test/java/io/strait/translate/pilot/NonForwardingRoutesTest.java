package io.strait.translate.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Redirects and direct responses: sent to Envoy proxies, left out for gRPC clients (which would NACK them). */
class NonForwardingRoutesTest {
    private final MeshModel model = TestMeshes.webWithRoutes("""
            - name: moved
              match: [{uri: {exact: /old}}]
              redirect: {uri: /new, redirectCode: 302}
            - name: gone
              match: [{uri: {prefix: /legacy/}}]
              directResponse: {status: 410, body: {bytes: "Z29uZQ=="}}
            - name: rest
              route: [{destination: {host: web}}]
            """);

    private List<Route> routes(ProxyType proxy) {
        return TestMeshes.webRoutes(model, proxy);
    }

    @Test
    void envoyProxiesAnswerThemselves() {
        List<Route> routes = routes(ProxyType.SIDECAR);
        assertThat(routes).extracting(Route::getName).containsExactly("moved", "gone", "rest");
        assertThat(routes.get(0).getRedirect().getPathRedirect()).isEqualTo("/new");
        assertThat(routes.get(0).getRedirect().getResponseCode()).isEqualTo(RedirectAction.RedirectResponseCode.FOUND);
        assertThat(routes.get(1).getDirectResponse().getStatus()).isEqualTo(410);
        assertThat(routes.get(1).getDirectResponse().getBody().getInlineBytes().toStringUtf8()).isEqualTo("gone");
    }

    @Test
    void grpcClientsDoWithoutThem() {
        assertThat(routes(ProxyType.GRPC)).extracting(Route::getName).containsExactly("rest");
    }
}
