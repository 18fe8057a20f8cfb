package io.strait.translate.pilot;

import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.strait.model.istio.VirtualService.HttpRoute;
import io.strait.model.proxy.ProxyType;

/**
 * {@code timeout}, as Istio sets it: a route without one has none — {@code 0s}, which also turns off Envoy's own
 * 15 s default — and that is what a service's default route gets. Envoy reads {@code RouteAction.timeout}, and for
 * gRPC requests the caller's {@code grpc-timeout} capped at {@code max_grpc_timeout} (the same value; 0s: uncapped).
 * Proxyless gRPC reads {@code max_stream_duration} only (gRFC A31; 0s: none) and fails the call with
 * DEADLINE_EXCEEDED at the earlier of it and the caller's own deadline.
 */
final class Timeouts implements RouteFeature {
    @Override
    @SuppressWarnings("deprecation") // max_grpc_timeout: deprecated in Envoy's API, still what Istio sets for Envoy
    public void apply(HttpRoute istio, RouteContext ctx, Route.Builder envoy) {
        if (!envoy.hasRoute()) {
            return;
        }
        Duration timeout = istio.timeout() == null ? Duration.getDefaultInstance() : ProtoDurations.of(istio.timeout());
        RouteAction.Builder action = envoy.getRouteBuilder().setTimeout(timeout);
        if (ctx.proxy() == ProxyType.GRPC) {
            action.setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(timeout));
        } else {
            action.setMaxGrpcTimeout(timeout);
        }
    }
}
