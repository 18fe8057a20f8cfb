package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.strait.model.istio.DestinationRule.ConsistentHash;

/**
 * The hash key of consistent-hash load balancing, which Envoy takes from the route: a header, a cookie, the
 * source IP or a query parameter. Proxyless gRPC hashes on headers (and otherwise on its channel).
 */
final class SessionAffinity {
    private SessionAffinity() {
    }

    static void apply(ConsistentHash hash, RouteAction.Builder action) {
        if (hash == null) {
            return;
        }
        RouteAction.HashPolicy.Builder policy = RouteAction.HashPolicy.newBuilder();
        if (hash.httpHeaderName() != null) {
            policy.setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(hash.httpHeaderName()));
        } else if (hash.httpCookie() != null) {
            RouteAction.HashPolicy.Cookie.Builder cookie = RouteAction.HashPolicy.Cookie.newBuilder().setName(hash.httpCookie().name());
            if (hash.httpCookie().path() != null) {
                cookie.setPath(hash.httpCookie().path());
            }
            if (hash.httpCookie().ttl() != null) {
                cookie.setTtl(ProtoDurations.of(hash.httpCookie().ttl()));
            }
            policy.setCookie(cookie);
        } else if (Boolean.TRUE.equals(hash.useSourceIp())) {
            policy.setConnectionProperties(RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true));
        } else if (hash.httpQueryParameterName() != null) {
            policy.setQueryParameter(RouteAction.HashPolicy.QueryParameter.newBuilder().setName(hash.httpQueryParameterName()));
        } else {
            return;
        }
        action.addHashPolicy(policy);
    }
}
