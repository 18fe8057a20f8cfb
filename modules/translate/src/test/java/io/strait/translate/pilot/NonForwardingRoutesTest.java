package io.strait.translate.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyType;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Redirects and direct responses: sent to Envoy proxies, left out for gRPC clients (which would NACK them). */
class NonForwardingRoutesTest {
    private final MeshModel model = TestMeshes.of("""
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: web, namespace: shop}
            spec:
              hosts: [web.shop.svc.cluster.local]
              ports: [{number: 80, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 10.0.0.1}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: web, namespace: shop}
            spec:
              hosts: [web]
              http:
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
        MeshModel.Service web = model.service("web.shop.svc.cluster.local").orElseThrow();
        return RouteConfigs.of("web:80", web, 80, model, RouteContext.mesh(proxy, "shop", java.util.Map.of(), 80), new HashSet<>())
                .getVirtualHosts(0).getRoutesList();
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
