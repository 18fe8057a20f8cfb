package io.strait.translate.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.translate.xds.XdsResources;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a revision's MeshConfig changes in translation, beyond the route defaults of the golden cases: where unknown
 * destinations go (the mesh's policy, a Sidecar's own winning), and the root namespace whose selector-less Sidecar
 * applies mesh-wide.
 */
class MeshConfigTranslationTest {
    private static final String SERVICE = """
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
            kind: ServiceEntry
            metadata: {name: pay, namespace: billing}
            spec:
              hosts: [pay.billing.svc.cluster.local]
              ports: [{number: 80, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 10.0.1.1}]
            """;
    private static final ProxyIdentity SIDECAR = ProxyIdentity.of("sidecar~10.1.0.7~client-1.shop~shop.svc.cluster.local",
            Map.of(), Map.of("app", "client"));

    /** The config in the source's mesh.yaml (its kind-less document is the MeshConfig) plus {@code more}. */
    private static MeshModel model(String meshConfig, String more) {
        return MeshModel.of(TestMeshes.resources(meshConfig + "\n---\n" + SERVICE + (more.isEmpty() ? "" : "---\n" + more)));
    }

    private static String unknownDestinations(MeshModel model) {
        XdsResources out = new ScopeTranslator().translate(model, SIDECAR);
        Listener outbound = out.listeners().stream().filter(l -> l.getName().equals("virtualOutbound")).findFirst().orElseThrow();
        return outbound.toString().contains("BlackHoleCluster") ? "BlackHoleCluster" : "PassthroughCluster";
    }

    @Test
    void theMeshsOutboundPolicyAppliesUnlessTheSidecarSetsItsOwn() {
        assertThat(unknownDestinations(model("trustDomain: a.example", ""))).isEqualTo("PassthroughCluster");
        assertThat(unknownDestinations(model("outboundTrafficPolicy: {mode: REGISTRY_ONLY}", ""))).isEqualTo("BlackHoleCluster");
        String allowAny = """
                apiVersion: networking.istio.io/v1
                kind: Sidecar
                metadata: {name: default, namespace: shop}
                spec:
                  egress: [{hosts: ["*/*"]}]
                  outboundTrafficPolicy: {mode: ALLOW_ANY}
                """;
        assertThat(unknownDestinations(model("outboundTrafficPolicy: {mode: REGISTRY_ONLY}", allowAny))).isEqualTo("PassthroughCluster");
        String noPolicy = allowAny.replace("  outboundTrafficPolicy: {mode: ALLOW_ANY}\n", "");
        assertThat(unknownDestinations(model("outboundTrafficPolicy: {mode: REGISTRY_ONLY}", noPolicy)))
                .as("a Sidecar without a policy takes the mesh's").isEqualTo("BlackHoleCluster");
    }

    @Test
    void theSidecarWithoutSelectorInTheRootNamespaceAppliesMeshWide() {
        String meshWide = """
                apiVersion: networking.istio.io/v1
                kind: Sidecar
                metadata: {name: default, namespace: mesh-root}
                spec:
                  egress: [{hosts: ["./*"]}]
                """;
        // in istio-system (the default root namespace) it is one namespace's Sidecar among others
        assertThat(new ScopeTranslator().translate(model("trustDomain: a.example", meshWide), SIDECAR).clusters())
                .anyMatch(c -> c.getName().contains("pay.billing"));
        XdsResources rooted = new ScopeTranslator().translate(model("rootNamespace: mesh-root", meshWide), SIDECAR);
        // in the root namespace it applies to the proxy of shop: ./* is the proxy's own namespace
        assertThat(rooted.clusters()).noneMatch(c -> c.getName().contains("pay.billing"))
                .anyMatch(c -> c.getName().contains("web.shop"));
    }
}
