package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.strait.model.istio.VirtualService.HttpRoute;

/**
 * One traffic-management feature of an HTTP route (timeouts, retries, fault injection, …): reads the Istio route,
 * writes its part of the Envoy route. Each feature is one class; {@link RouteFeatures} lists them in order.
 */
interface RouteFeature {
    /**
     * @param istio the Istio route (for a service's default route, one that forwards to the service and sets nothing)
     * @param ctx   who the route is for, and the mesh's defaults for what the route leaves unset
     * @param envoy the Envoy route, with its action already set
     */
    void apply(HttpRoute istio, RouteContext ctx, Route.Builder envoy);
}
