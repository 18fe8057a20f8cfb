package io.strait.translate.grpc;

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
}
