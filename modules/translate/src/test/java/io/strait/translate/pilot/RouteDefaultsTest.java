package io.strait.translate.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.strait.model.istio.VirtualService.HttpRetry;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The mesh's default retry policy is a value the translator is given (MeshConfig's {@code defaultHttpRetryPolicy},
 * see {@code MeshConfigTranslationTest}), not a constant: it reaches a service's default route and VirtualService routes without
 * {@code retries}, and a route's own {@code retries} still wins.
 */
class RouteDefaultsTest {
    private final MeshModel model = TestMeshes.of("""
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: web, namespace: shop}
            spec:
              hosts: [web.shop.svc.cluster.local, api.shop.svc.cluster.local]
              ports: [{number: 80, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 10.0.0.1}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: api, namespace: shop}
            spec:
              hosts: [api.shop.svc.cluster.local]
              http:
              - match: [{uri: {prefix: /own}}]
                retries: {attempts: 1, retryOn: reset}
                route: [{destination: {host: api.shop.svc.cluster.local}}]
              - route: [{destination: {host: api.shop.svc.cluster.local}}]
            """);
    private static final ProxyIdentity GRPC = ProxyIdentity.of("sidecar~10.1.0.7~client-1.shop~shop.svc.cluster.local",
            Map.of("GENERATOR", "grpc"), Map.of());

    @Test
    void istiosDefaultIsTwoRetriesOnItsConditions() {
        RouteAction web = action(new ScopeTranslator(), "web.shop.svc.cluster.local:80", 0);
        assertThat(web.getRetryPolicy().getNumRetries().getValue()).isEqualTo(2);
        assertThat(web.getRetryPolicy().getRetryOn()).isEqualTo(Retries.DEFAULT_RETRY_ON);
    }

    @Test
    void theMeshsPolicyReachesEveryRouteThatSetsNoneOfItsOwn() {
        ScopeTranslator translator = new ScopeTranslator(new RouteDefaults(new HttpRetry(4, "unavailable,503", null, null)));
        RouteAction web = action(translator, "web.shop.svc.cluster.local:80", 0);
        assertThat(web.getRetryPolicy().getNumRetries().getValue()).isEqualTo(4);
        assertThat(web.getRetryPolicy().getRetryOn()).isEqualTo("unavailable,retriable-status-codes");
        assertThat(web.getRetryPolicy().getRetriableStatusCodesList()).containsExactly(503);
        assertThat(action(translator, "api.shop.svc.cluster.local:80", 1).getRetryPolicy().getNumRetries().getValue()).isEqualTo(4);
        RouteAction own = action(translator, "api.shop.svc.cluster.local:80", 0);
        assertThat(own.getRetryPolicy().getNumRetries().getValue()).isEqualTo(1);
        assertThat(own.getRetryPolicy().getRetryOn()).isEqualTo("reset");
    }

    @Test
    void aMeshPolicyOfNoAttemptsTurnsDefaultRetriesOff() {
        ScopeTranslator translator = new ScopeTranslator(new RouteDefaults(new HttpRetry(0, null, null, null)));
        assertThat(action(translator, "web.shop.svc.cluster.local:80", 0).hasRetryPolicy()).isFalse();
        assertThat(action(translator, "api.shop.svc.cluster.local:80", 1).hasRetryPolicy()).isFalse();
        assertThat(action(translator, "api.shop.svc.cluster.local:80", 0).hasRetryPolicy()).isTrue();
    }

    private RouteAction action(ScopeTranslator translator, String routeConfig, int route) {
        RouteConfiguration rc = translator.translate(model, GRPC).routes().stream()
                .filter(r -> r.getName().equals(routeConfig)).findFirst().orElseThrow();
        return rc.getVirtualHosts(0).getRoutes(route).getRoute();
    }
}
