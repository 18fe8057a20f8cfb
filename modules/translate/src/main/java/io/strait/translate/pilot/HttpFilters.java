package io.strait.translate.pilot;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import java.util.List;

/**
 * The order of HTTP filters, kept in this one place. Order is behaviour: a filter sees a request only if every
 * filter before it let it through.
 */
public final class HttpFilters {
    private HttpFilters() {
    }

    /** The filter chain of an inbound HTTP connection manager (sidecar to its own workload). */
    public static List<HttpFilter> inbound() {
        return List.of(
                // RBAC (AuthorizationPolicy) and JWT authn (RequestAuthentication) go here, before the router
                router());
    }

    /** The filter chain of an Envoy proxy's outbound (and gateway) connection manager. */
    public static List<HttpFilter> envoyOutbound() {
        return List.of(
                // CORS first: a browser's preflight is answered before anything can fail or delay it
                filter(Cors.FILTER, io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors.getDefaultInstance()),
                fault(),
                // RBAC and JWT authn go here, in that order, as they are added
                // local rate limit last before the router: only requests that would be forwarded spend tokens
                filter(LocalRateLimits.FILTER, LocalRateLimits.inChain()),
                router());
    }

    /** The filter chain of an outbound HTTP connection manager of a proxyless gRPC client. */
    public static List<HttpFilter> outbound() {
        return List.of(
                fault(),
                // RBAC and JWT authn go here, in that order, as they are added
                // the router must be last: it forwards the request; gRPC rejects a chain without it at the end
                router());
    }

    /**
     * Fault injection, first in both outbound chains after CORS: a request it delays or aborts should cost nothing
     * further down the chain. It does nothing unless a route carries its per-route config (see Faults).
     */
    private static HttpFilter fault() {
        return filter(Faults.FILTER, HTTPFault.getDefaultInstance());
    }

    private static HttpFilter router() {
        return filter("envoy.filters.http.router", Router.getDefaultInstance());
    }

    private static HttpFilter filter(String name, com.google.protobuf.Message config) {
        return HttpFilter.newBuilder().setName(name).setTypedConfig(Any.pack(config)).build();
    }
}
