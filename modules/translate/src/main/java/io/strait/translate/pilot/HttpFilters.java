package io.strait.translate.pilot;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.strait.translate.pilot.authn.JwtAuthn;
import io.strait.translate.pilot.authz.InboundAuthz;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The order of HTTP filters, kept in this one place. Order is behaviour: a filter sees a request only if every
 * filter before it let it through.
 *
 * <p>Authorization comes first, in Istio's order, so Envoy stats, dashboards and decisions read as Istio's do:
 * CUSTOM (per provider a shadow RBAC filter that marks the requests its rules match, then the ext_authz filter
 * that asks the provider about those only), then JWT authn (RequestAuthentication, {@link JwtAuthn}: it refuses
 * invalid tokens and leaves the payload in metadata, which RBAC's {@code request.auth.*} matches read), then RBAC for AUDIT, DENY and ALLOW, each its own filter, in that
 * order — AUDIT logs whatever is decided after it, any DENY match denies before an ALLOW can allow
 * ({@link InboundAuthz}). On a gateway that puts authorization before CORS and fault injection, as Istio does:
 * a policy must allow a browser's preflight for it to be answered.
 */
public final class HttpFilters {
    private HttpFilters() {
    }

    /** The filter chain of an inbound HTTP connection manager (sidecar to its own workload), with its JWT filter if any. */
    public static List<HttpFilter> inbound(InboundAuthz authz, Optional<HttpFilter> jwt) {
        List<HttpFilter> out = new ArrayList<>(authz.customHttp());
        // after ext_authz (Istio's order), before the RBAC filters that read its claims
        jwt.ifPresent(out::add);
        out.addAll(authz.localHttp());
        out.add(router());
        return List.copyOf(out);
    }

    /**
     * The filter chain of a proxyless gRPC server's inbound connection manager: grpc-java's RBAC filters (A41),
     * DENY then ALLOW as Istio's grpcgen orders them ({@link InboundAuthz#grpc}), and the router, which gRPC
     * requires last.
     */
    public static List<HttpFilter> grpcInbound(InboundAuthz authz) {
        List<HttpFilter> out = new ArrayList<>(authz.grpc());
        out.add(router());
        return List.copyOf(out);
    }

    /** The filter chain of an Envoy sidecar's outbound connection manager: no authorization, that is the server's. */
    public static List<HttpFilter> envoyOutbound() {
        return envoyOutbound(InboundAuthz.NONE, Optional.empty());
    }

    /**
     * The filter chain of an Envoy gateway's (and, with {@link InboundAuthz#NONE}, a sidecar's outbound) connection
     * manager: the AuthorizationPolicies and the JWT filter ({@code jwt}) of the gateway first, as on a sidecar's
     * inbound side.
     */
    public static List<HttpFilter> envoyOutbound(InboundAuthz authz, Optional<HttpFilter> jwt) {
        List<HttpFilter> out = new ArrayList<>(authz.customHttp());
        jwt.ifPresent(out::add); // as on the inbound side
        out.addAll(authz.localHttp());
        // CORS next: a browser's preflight is answered before fault injection can fail or delay it
        out.add(filter(Cors.FILTER, io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors.getDefaultInstance()));
        out.add(fault());
        // local rate limit last before the router: only requests that would be forwarded spend tokens
        out.add(filter(LocalRateLimits.FILTER, LocalRateLimits.inChain()));
        out.add(router());
        return List.copyOf(out);
    }

    /** The filter chain of an outbound HTTP connection manager of a proxyless gRPC client. */
    public static List<HttpFilter> outbound() {
        return List.of(
                fault(),
                // no authorization on a client's outbound side: the server's proxy (or gRPC server) enforces it
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
