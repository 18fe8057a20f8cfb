package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.strait.model.istio.VirtualService.HttpRoute;

/**
 * {@code timeout}: Envoy reads {@code RouteAction.timeout}; proxyless gRPC reads
 * {@code max_stream_duration} (gRFC A31) and fails the call with DEADLINE_EXCEEDED at the earlier of it and the
 * caller's own deadline. Both are set, so one route serves both kinds of client.
 */
final class Timeouts implements RouteFeature {
    @Override
    public void apply(HttpRoute istio, Route.Builder envoy) {
        if (istio.timeout() == null || !envoy.hasRoute()) {
            return;
        }
        var duration = ProtoDurations.of(istio.timeout());
        envoy.getRouteBuilder()
                .setTimeout(duration)
                .setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(duration));
    }
}
