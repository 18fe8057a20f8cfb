package io.strait.translate.pilot;

import io.strait.model.istio.IstioResource;
import io.strait.model.istio.VirtualService;
import io.strait.model.istio.VirtualService.HttpMatchRequest;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyType;
import java.util.List;
import java.util.Map;

/**
 * Who a route configuration is built for: the proxy kind, its namespace and labels, the gateway it serves
 * ({@code null} for the mesh's sidecars and proxyless clients) and the listener port ({@code null} when the route
 * configuration is per service port already, as for gRPC). Istio decides which match blocks of a VirtualService
 * apply from these at translation time — {@code gateways}, {@code port}, {@code sourceLabels},
 * {@code sourceNamespace} never reach the proxy as conditions. {@code defaults} is what the mesh sets for routes
 * that say nothing themselves (see {@link RouteDefaults}).
 */
record RouteContext(ProxyType proxy, String namespace, Map<String, String> labels, IstioResource gateway, Integer port,
                    RouteDefaults defaults) {

    static RouteContext mesh(ProxyType proxy, String namespace, Map<String, String> labels, RouteDefaults defaults) {
        return new RouteContext(proxy, namespace, labels, null, null, defaults);
    }

    /** The same proxy, for the routes of one listener (or, for gRPC, one service) port. */
    RouteContext atPort(Integer listenerPort) {
        return new RouteContext(proxy, namespace, labels, gateway, listenerPort, defaults);
    }

    /** The same proxy as the gateway {@code gw}, for the routes of one of its ports. */
    RouteContext forGateway(IstioResource gw, Integer listenerPort) {
        return new RouteContext(proxy, namespace, labels, gw, listenerPort, defaults);
    }

    /**
     * Whether a match block of a VirtualService applies here. A block naming gateways applies to those only; one
     * naming none applies where its VirtualService does (the caller picked the VirtualService for this gateway or
     * for the mesh already).
     */
    boolean admits(HttpMatchRequest match, String vsNamespace) {
        return match == null || admits(match.gateways(), match.port(), match.sourceNamespace(), match.sourceLabels(), vsNamespace);
    }

    /** The same for the proxy-side conditions of a TCP or TLS match. */
    boolean admits(List<String> gateways, Integer matchPort, String sourceNamespace, Map<String, String> sourceLabels,
                   String vsNamespace) {
        if (!gateways.isEmpty() && gateways.stream().noneMatch(g -> names(g, vsNamespace))) {
            return false;
        }
        if (matchPort != null && port != null && !matchPort.equals(port)) {
            return false;
        }
        if (sourceNamespace != null && !sourceNamespace.equals(namespace)) {
            return false;
        }
        return labels.entrySet().containsAll(sourceLabels.entrySet());
    }

    private boolean names(String reference, String vsNamespace) {
        return gateway == null ? VirtualService.MESH.equals(reference) : MeshModel.names(reference, vsNamespace, gateway);
    }
}
