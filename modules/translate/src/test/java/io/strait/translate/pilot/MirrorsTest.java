package io.strait.translate.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyType;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Mirroring: Envoy proxies copy a share of requests to the mirror clusters, which join the scope; gRPC does not. */
class MirrorsTest {
    private final MeshModel model = TestMeshes.of("""
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: web, namespace: shop}
            spec:
              hosts: [web.shop.svc.cluster.local, shadow.shop.svc.cluster.local]
              ports: [{number: 80, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 10.0.0.1, labels: {v: "2"}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: web, namespace: shop}
            spec:
              hosts: [web]
              http:
              - route: [{destination: {host: web}}]
                mirror: {host: shadow}
                mirrorPercentage: {value: 12.5}
                mirrors:
                - destination: {host: web, port: {number: 80}}
            """);

    private RouteAction action(ProxyType proxy, Set<ClusterRef> referenced) {
        MeshModel.Service web = model.service("web.shop.svc.cluster.local").orElseThrow();
        return RouteConfigs.of("web:80", web, 80, model, RouteContext.mesh(proxy, "shop", java.util.Map.of(), RouteDefaults.ISTIO).atPort(80), referenced).getVirtualHosts(0).getRoutes(0).getRoute();
    }

    @Test
    void envoyProxiesMirrorTheirShareAndCarryTheMirrorClusters() {
        Set<ClusterRef> referenced = new HashSet<>();
        RouteAction action = action(ProxyType.SIDECAR, referenced);
        assertThat(action.getRequestMirrorPoliciesList()).hasSize(2);
        var shadow = action.getRequestMirrorPolicies(0);
        assertThat(shadow.getCluster()).isEqualTo("outbound|80||shadow.shop.svc.cluster.local");
        assertThat(shadow.getRuntimeFraction().getDefaultValue().getNumerator()).isEqualTo(125_000);
        assertThat(action.getRequestMirrorPolicies(1).getRuntimeFraction().getDefaultValue().getNumerator())
                .as("no percentage: every request").isEqualTo(1_000_000);
        assertThat(referenced).extracting(ClusterRef::name).contains("outbound|80||shadow.shop.svc.cluster.local");
    }

    @Test
    void grpcClientsDoNotMirror() {
        Set<ClusterRef> referenced = new HashSet<>();
        assertThat(action(ProxyType.GRPC, referenced).getRequestMirrorPoliciesCount()).isZero();
        assertThat(referenced).extracting(ClusterRef::name).doesNotContain("outbound|80||shadow.shop.svc.cluster.local");
    }
}
