package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.strait.model.istio.VirtualService.HttpRoute;

/**
 * One traffic-management feature of an HTTP route (timeouts, retries, fault injection, …): reads the Istio route,
 * writes its part of the Envoy route. Each feature is one class; {@link RouteFeatures} lists them in order.
 */
interface RouteFeature {
    void apply(HttpRoute istio, Route.Builder envoy);
}
