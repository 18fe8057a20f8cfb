package io.strait.translate.pilot;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.strait.model.istio.Durations;
import io.strait.model.istio.VirtualService.HttpRoute;

/**
 * {@code corsPolicy}: the CORS filter's per-route policy (the filter sits in Envoy chains, see {@link HttpFilters}).
 * Envoy only: a proxyless gRPC client is not a browser, and would refuse the unknown filter.
 */
final class Cors implements RouteFeature {
    static final String FILTER = "envoy.filters.http.cors";

    @Override
    public void apply(HttpRoute istio, RouteContext ctx, Route.Builder envoy) {
        var cors = istio.corsPolicy();
        if (cors == null) {
            return;
        }
        CorsPolicy.Builder policy = CorsPolicy.newBuilder();
        cors.allowOrigins().forEach(m -> policy.addAllowOriginStringMatch(RouteMatches.stringMatcher(m)));
        cors.allowOrigin().forEach(o -> policy.addAllowOriginStringMatch(o.equals("*")
                ? StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(".*")).build()
                : StringMatcher.newBuilder().setExact(o).build()));
        if (!cors.allowMethods().isEmpty()) {
            policy.setAllowMethods(String.join(",", cors.allowMethods()));
        }
        if (!cors.allowHeaders().isEmpty()) {
            policy.setAllowHeaders(String.join(",", cors.allowHeaders()));
        }
        if (!cors.exposeHeaders().isEmpty()) {
            policy.setExposeHeaders(String.join(",", cors.exposeHeaders()));
        }
        if (cors.maxAge() != null) {
            policy.setMaxAge(String.valueOf(Durations.nanos(cors.maxAge()) / 1_000_000_000L));
        }
        if (cors.allowCredentials() != null) {
            policy.setAllowCredentials(BoolValue.of(cors.allowCredentials()));
        }
        if ("FORWARD".equals(cors.unmatchedPreflights()) || "IGNORE".equals(cors.unmatchedPreflights())) {
            policy.setForwardNotMatchingPreflights(BoolValue.of("FORWARD".equals(cors.unmatchedPreflights())));
        }
        envoy.putTypedPerFilterConfig(FILTER, Any.pack(policy.build()));
    }
}
