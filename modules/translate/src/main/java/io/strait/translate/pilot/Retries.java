package io.strait.translate.pilot;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.strait.model.istio.VirtualService.HttpRetry;
import io.strait.model.istio.VirtualService.HttpRoute;

/**
 * {@code retries}: Envoy's retry policy. {@code attempts} is the number of retries after the first try;
 * {@code retryOn} passes through (Envoy reads all of Istio's conditions; gRPC reads the gRPC status names among
 * them — cancelled, deadline-exceeded, internal, resource-exhausted, unavailable — and ignores the rest).
 * Without {@code retryOn}, Istio's default applies. {@code attempts: 0} disables retries. {@code perTryTimeout}
 * bounds each try on Envoy proxies. Where a retry may go is {@link RetryTargets}' part.
 */
final class Retries implements RouteFeature {
    /** Istio's default retry conditions. */
    static final String DEFAULT_RETRY_ON = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";

    @Override
    public void apply(HttpRoute istio, Route.Builder envoy) {
        HttpRetry retry = istio.retries();
        if (retry == null || retry.attempts() == null || retry.attempts() <= 0 || !envoy.hasRoute()) {
            return;
        }
        String retryOn = retry.retryOn() == null || retry.retryOn().isBlank() ? DEFAULT_RETRY_ON : retry.retryOn();
        RetryPolicy.Builder policy = RetryPolicy.newBuilder().setRetryOn(retryOn).setNumRetries(UInt32Value.of(retry.attempts()));
        if (retry.perTryTimeout() != null) {
            policy.setPerTryTimeout(ProtoDurations.of(retry.perTryTimeout())); // gRPC ignores it (gRFC A44)
        }
        envoy.getRouteBuilder().setRetryPolicy(policy);
    }
}
