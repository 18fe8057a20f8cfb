package io.strait.translate.pilot;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.strait.model.istio.VirtualService.HttpRetry;
import io.strait.model.istio.VirtualService.HttpRoute;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code retries}: Envoy's retry policy, as Istio converts it. A route that sets no {@code retries} takes the
 * mesh's default ({@link RouteDefaults}: 2 retries on {@link #DEFAULT_RETRY_ON} unless MeshConfig says otherwise),
 * so does a service's default route; {@code attempts: 0} (or no {@code attempts}) turns retries off.
 * {@code attempts} is the number of retries after the first try. {@code retryOn} passes through, except that HTTP
 * status codes in it become Envoy's retriable status codes; without it Istio's default conditions apply.
 * {@code perTryTimeout} bounds each try on Envoy proxies.
 *
 * <p>gRPC (gRFC A44) reads the gRPC status names among the conditions — cancelled, deadline-exceeded, internal,
 * resource-exhausted, unavailable — and ignores the rest; it makes at most 5 attempts whatever {@code attempts}
 * says, backs off from 25 ms, and ignores the per-try timeout. Where a retry may go is {@link RetryTargets}' part.
 */
final class Retries implements RouteFeature {
    /** Istio's default retry conditions. */
    static final String DEFAULT_RETRY_ON = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";

    @Override
    public void apply(HttpRoute istio, RouteContext ctx, Route.Builder envoy) {
        if (!envoy.hasRoute()) {
            return;
        }
        HttpRetry retry = policyOf(istio, ctx);
        if (retry.attempts() == null || retry.attempts() <= 0) {
            return;
        }
        RetryPolicy.Builder policy = RetryPolicy.newBuilder().setNumRetries(UInt32Value.of(retry.attempts()));
        retryOn(retry.retryOn() == null || retry.retryOn().isBlank() ? DEFAULT_RETRY_ON : retry.retryOn(), policy);
        if (retry.perTryTimeout() != null) {
            policy.setPerTryTimeout(ProtoDurations.of(retry.perTryTimeout()));
        }
        envoy.getRouteBuilder().setRetryPolicy(policy);
    }

    /** The retry policy in force on a route: its own, else the mesh's default (Istio: {@code defaultHttpRetryPolicy}). */
    static HttpRetry policyOf(HttpRoute istio, RouteContext ctx) {
        return istio.retries() != null ? istio.retries() : ctx.defaults().retry();
    }

    /**
     * Istio's reading of {@code retryOn}: conditions go to {@code retry_on}; numbers that are HTTP statuses go to
     * {@code retriable_status_codes}, and then {@code retriable-status-codes} must be among the conditions for
     * Envoy to look at them.
     */
    private static void retryOn(String retryOn, RetryPolicy.Builder policy) {
        List<String> conditions = new ArrayList<>();
        for (String part : retryOn.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            Integer status = httpStatus(p);
            if (status != null) {
                policy.addRetriableStatusCodes(status);
            } else {
                conditions.add(p);
            }
        }
        if (policy.getRetriableStatusCodesCount() > 0 && !conditions.contains("retriable-status-codes")) {
            conditions.add("retriable-status-codes");
        }
        policy.setRetryOn(String.join(",", conditions));
    }

    private static Integer httpStatus(String s) {
        if (s.length() != 3 || !s.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int code = Integer.parseInt(s);
        return code >= 100 && code <= 599 ? code : null;
    }
}
