package io.strait.translate.pilot;

import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadedResource;
import io.strait.model.mesh.MeshModel;
import java.util.Map;

/** A mesh model from one YAML file's text, as the translator tests write them inline. */
public final class TestMeshes {
    private TestMeshes() {
    }

    /** Service web.shop (HTTP on 80, one endpoint) and a VirtualService for it with these {@code http} routes. */
    static MeshModel webWithRoutes(String httpRoutes) {
        return of("""
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
                """ + httpRoutes.stripIndent().indent(2));
    }

    /** The routes of web.shop's port 80 as a mesh proxy of {@code proxy}'s kind in namespace shop receives them. */
    static java.util.List<io.envoyproxy.envoy.config.route.v3.Route> webRoutes(MeshModel model, io.strait.model.proxy.ProxyType proxy) {
        MeshModel.Service web = model.service("web.shop.svc.cluster.local").orElseThrow();
        return RouteConfigs.of("web:80", web, 80, model, RouteContext.mesh(proxy, "shop", Map.of(), RouteDefaults.ISTIO).atPort(80), new java.util.HashSet<>())
                .getVirtualHosts(0).getRoutesList();
    }

    static MeshModel of(String yaml) {
        return MeshModel.of(resources(yaml));
    }

    /** The resources of one YAML file's text, in document order. */
    public static java.util.List<io.strait.model.istio.IstioResource> resources(String yaml) {
        return ConfigLoader.parse(Map.of("mesh.yaml", yaml)).resources().stream().map(LoadedResource::resource).toList();
    }
}
