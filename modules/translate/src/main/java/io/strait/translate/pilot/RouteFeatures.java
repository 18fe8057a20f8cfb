package io.strait.translate.pilot;

import java.util.List;

/** The route features, applied in this order to every Envoy route built from an Istio HTTP route. */
final class RouteFeatures {
    static final List<RouteFeature> ALL = List.of(new Timeouts(), new Retries(), new Faults(), new Rewrites(),
            // after the rewrites: a host set by a header operation is the more specific ask and wins
            new HeaderRewrites());

    /**
     * Features only Envoy proxies get: their per-route config names a filter proxyless gRPC does not have, which
     * would make a gRPC client refuse the whole route configuration.
     */
    static final List<RouteFeature> ENVOY_ONLY = List.of(new Cors(), new RetryTargets());

    private RouteFeatures() {
    }
}
