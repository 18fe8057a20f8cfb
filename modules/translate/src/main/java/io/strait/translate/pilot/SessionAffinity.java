package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.strait.model.istio.DestinationRule.ConsistentHash;
import io.strait.model.proxy.ProxyType;

/**
 * The hash key of consistent-hash load balancing, which Envoy takes from the route: a header, a cookie, the
 * source IP or a query parameter, as Istio writes them. The one place both VirtualService routes and a service's
 * default route get their hash policy.
 *
 * <p>Proxyless gRPC (gRFC A42) hashes on a header or on its channel ({@code filter_state} key
 * {@code io.grpc.channel_id}) and skips any other policy; a call no policy hashes gets a random hash. So a gRPC
 * client gets the header as it is, its channel for {@code useSourceIp} (a client's calls keep to one endpoint, as
 * a sidecar's do by its address), and nothing for a cookie or a query parameter, which it has no use for (ingest
 * warns about both).
 */
final class SessionAffinity {
    /** The filter-state key gRPC hashes on its channel by. */
    static final String GRPC_CHANNEL_ID = "io.grpc.channel_id";

    private SessionAffinity() {
    }

    static void apply(ConsistentHash hash, ProxyType proxy, RouteAction.Builder action) {
        if (hash == null) {
            return;
        }
        boolean grpc = proxy == ProxyType.GRPC;
        RouteAction.HashPolicy.Builder policy = RouteAction.HashPolicy.newBuilder();
        if (hash.httpHeaderName() != null) {
            policy.setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(hash.httpHeaderName()));
        } else if (hash.httpCookie() != null && !grpc) {
            RouteAction.HashPolicy.Cookie.Builder cookie = RouteAction.HashPolicy.Cookie.newBuilder().setName(hash.httpCookie().name());
            if (hash.httpCookie().path() != null) {
                cookie.setPath(hash.httpCookie().path());
            }
            if (hash.httpCookie().ttl() != null) {
                // with a ttl Envoy sets the cookie when the request has none, so the next request hashes the same
                cookie.setTtl(ProtoDurations.of(hash.httpCookie().ttl()));
            }
            policy.setCookie(cookie);
        } else if (Boolean.TRUE.equals(hash.useSourceIp())) {
            if (grpc) {
                policy.setFilterState(RouteAction.HashPolicy.FilterState.newBuilder().setKey(GRPC_CHANNEL_ID));
            } else {
                policy.setConnectionProperties(RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true));
            }
        } else if (hash.httpQueryParameterName() != null && !grpc) {
            policy.setQueryParameter(RouteAction.HashPolicy.QueryParameter.newBuilder().setName(hash.httpQueryParameterName()));
        } else {
            return;
        }
        action.addHashPolicy(policy);
    }
}
