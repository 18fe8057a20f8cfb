package io.strait.translate.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScopeInputsTest {
    private final MeshModel model = TestMeshes.of("""
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: narrow, namespace: shop}
            spec:
              workloadSelector: {labels: {app: cart}}
              egress: [{hosts: ["./*"]}]
            """);

    private static ProxyIdentity proxy(String ns, String app) {
        return ProxyIdentity.of("sidecar~10.0.0.1~" + app + "-1." + ns + "~" + ns + ".svc.cluster.local",
                Map.of("GENERATOR", "grpc"), Map.of("app", app));
    }

    @Test
    void scopesThatDifferOnlyInWhatTranslationIgnoresShareTheirInputs() {
        var web = ScopeTranslator.inputsOf(model, proxy("shop", "web"));
        var api = ScopeTranslator.inputsOf(model, proxy("shop", "api"));
        var cart = ScopeTranslator.inputsOf(model, proxy("shop", "cart"));
        var elsewhere = ScopeTranslator.inputsOf(model, proxy("billing", "web"));
        assertThat(web).isEqualTo(api);
        assertThat(cart).as("a Sidecar selects it").isNotEqualTo(web);
        assertThat(elsewhere).as("another namespace sees other things").isNotEqualTo(web);
        var translator = new ScopeTranslator();
        assertThat(translator.translate(model, proxy("shop", "web"))).isEqualTo(translator.translate(model, proxy("shop", "api")));
    }

    @Test
    void aSelectorThatPicksAProxySeparatesItsInputsButOtherLabelsDoNot() {
        MeshModel routed = TestMeshes.of("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: catalog, namespace: shop}
                spec:
                  hosts: [catalog.shop.svc.cluster.local]
                  ports: [{number: 8080, name: http}]
                  resolution: STATIC
                  endpoints: [{address: 10.0.0.1}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: catalog, namespace: shop}
                spec:
                  hosts: [catalog]
                  http:
                  - match: [{sourceLabels: {app: web}, uri: {prefix: /web}}]
                    route: [{destination: {host: catalog}}]
                  - route: [{destination: {host: catalog}}]
                """);
        var web = ScopeTranslator.inputsOf(routed, proxy("shop", "web"));
        var api = ScopeTranslator.inputsOf(routed, proxy("shop", "api"));
        var cart = ScopeTranslator.inputsOf(routed, proxy("shop", "cart"));
        assertThat(web).as("sourceLabels pick web only").isNotEqualTo(api);
        assertThat(api).as("no selector picks api or cart").isEqualTo(cart);
        var translator = new ScopeTranslator();
        assertThat(translator.translate(routed, proxy("shop", "web")).routes().get(0).getVirtualHosts(0).getRoutesCount()).isEqualTo(2);
        assertThat(translator.translate(routed, proxy("shop", "api")).routes().get(0).getVirtualHosts(0).getRoutesCount()).isEqualTo(1);
    }
}
