package io.strait.model.istio;

import java.util.List;
import java.util.Map;

/**
 * {@code networking.istio.io/VirtualService}: HTTP routing for a set of hosts. The record carries the fields the
 * translator reads; the schema validates all the others, and ingest warns that they have no effect yet.
 */
public record VirtualService(List<String> hosts, List<String> gateways, List<HttpRoute> http, List<TlsRoute> tls,
                             List<TcpRoute> tcp, List<String> exportTo) implements Spec {
    /** The reserved gateway name for the sidecars (and proxyless clients) of the mesh. */
    public static final String MESH = "mesh";

    public VirtualService {
        hosts = Lists.copy(hosts);
        gateways = Lists.copy(gateways);
        http = Lists.copy(http);
        tls = Lists.copy(tls);
        tcp = Lists.copy(tcp);
        exportTo = Lists.copy(exportTo);
    }

    /** TCP routing: the first route whose match applies takes the connection, split over its destinations. */
    public record TcpRoute(List<L4Match> match, List<RouteDestination> route) {
        public TcpRoute {
            match = Lists.copy(match);
            route = Lists.copy(route);
        }
    }

    /** TLS routing by the SNI name of the client hello, without terminating TLS. */
    public record TlsRoute(List<TlsMatch> match, List<RouteDestination> route) {
        public TlsRoute {
            match = Lists.copy(match);
            route = Lists.copy(route);
        }
    }

    /** Which connections a TCP route takes: by port, and by the calling workload or gateway. */
    public record L4Match(Integer port, Map<String, String> sourceLabels, List<String> gateways, String sourceNamespace) {
        public L4Match {
            sourceLabels = Lists.copy(sourceLabels);
            gateways = Lists.copy(gateways);
        }
    }

    /** Which connections a TLS route takes: by SNI name (wildcards allowed), port, and caller. */
    public record TlsMatch(List<String> sniHosts, Integer port, Map<String, String> sourceLabels, List<String> gateways,
                           String sourceNamespace) {
        public TlsMatch {
            sniHosts = Lists.copy(sniHosts);
            sourceLabels = Lists.copy(sourceLabels);
            gateways = Lists.copy(gateways);
        }
    }

    /** A TCP or TLS destination and its share of connections (percent; omitted means 100 for a single one). */
    public record RouteDestination(Destination destination, Integer weight) {
    }

    /**
     * One HTTP route: any of its matches selects it; its destinations split traffic by weight; timeout, retries,
     * fault injection, rewrites and header operations apply to the requests it takes.
     */
    public record HttpRoute(String name, List<HttpMatchRequest> match, List<HttpRouteDestination> route, String timeout,
                            HttpRetry retries, HttpFault fault, HttpRewrite rewrite, HttpRedirect redirect,
                            HttpDirectResponse directResponse, Destination mirror, Percent mirrorPercentage,
                            List<HttpMirrorPolicy> mirrors, Headers headers, CorsPolicy corsPolicy, Delegate delegate) {
        public HttpRoute {
            match = Lists.copy(match);
            route = Lists.copy(route);
            mirrors = Lists.copy(mirrors);
        }
    }

    /**
     * Hands the route's requests to another VirtualService (one without hosts), whose routes apply with this route's
     * match narrowed by theirs; {@code namespace} defaults to this VirtualService's.
     */
    public record Delegate(String name, String namespace) {
    }

    /**
     * Cross-origin resource sharing: which origins (exact, prefix or regex; {@code allowOrigin} is the deprecated
     * exact-only list), methods and headers a browser may use, which response headers it may read, how long it may
     * cache the answer to a preflight, whether credentials are allowed, and what to do with preflights from origins
     * that do not match ({@code FORWARD} them to the service, or {@code IGNORE} them).
     */
    public record CorsPolicy(List<StringMatch> allowOrigins, List<String> allowOrigin, List<String> allowMethods,
                             List<String> allowHeaders, List<String> exposeHeaders, String maxAge,
                             Boolean allowCredentials, String unmatchedPreflights) {
        public CorsPolicy {
            allowOrigins = Lists.copy(allowOrigins);
            allowOrigin = Lists.copy(allowOrigin);
            allowMethods = Lists.copy(allowMethods);
            allowHeaders = Lists.copy(allowHeaders);
            exposeHeaders = Lists.copy(exposeHeaders);
        }
    }

    /** A copy of a share of the route's requests, sent fire-and-forget to another destination. */
    public record HttpMirrorPolicy(Destination destination, Percent percentage) {
    }

    /** Answer with a redirect instead of forwarding: new path, host, port, scheme; 301 unless {@code redirectCode}. */
    public record HttpRedirect(String uri, String authority, Integer port, String scheme, Integer redirectCode) {
    }

    /** Answer with a fixed status and body instead of forwarding. */
    public record HttpDirectResponse(Integer status, HttpBody body) {
    }

    /** A response body: text, or base64-encoded bytes. */
    public record HttpBody(String string, String bytes) {
    }

    /** Rewrites before forwarding: the matched path prefix ({@code uri}) or a regex over the path, the authority. */
    public record HttpRewrite(String uri, String authority, RegexRewrite uriRegexRewrite) {
    }

    /** Replaces what {@code match} (a regular expression) matches in the path with {@code rewrite}. */
    public record RegexRewrite(String match, String rewrite) {
    }

    /**
     * Retries: how many attempts, on which failures (Istio's retryOn list, comma-separated), the timeout of each
     * try, and whether a retry may go to another locality.
     */
    public record HttpRetry(Integer attempts, String retryOn, String perTryTimeout, Boolean retryRemoteLocalities) {
    }

    /** Fault injection: a delay and/or an abort, each for a percentage of requests. */
    public record HttpFault(FaultDelay delay, FaultAbort abort) {
    }

    /** A fixed delay before the request is forwarded. */
    public record FaultDelay(String fixedDelay, Percent percentage) {
    }

    /** An abort with an HTTP status or a gRPC status name ({@code UNAVAILABLE}). */
    public record FaultAbort(Integer httpStatus, String grpcStatus, Percent percentage) {
    }

    /** A percentage, 0 to 100, with fractions. */
    public record Percent(Double value) {
    }

    /**
     * Conditions that must all hold for a request to match. {@code port}, {@code sourceLabels},
     * {@code sourceNamespace} and {@code gateways} select the proxies (and listener port) the block applies to; the
     * others test the request.
     */
    public record HttpMatchRequest(String name, StringMatch uri, StringMatch scheme, StringMatch method,
                                   StringMatch authority, Map<String, StringMatch> headers,
                                   Map<String, StringMatch> withoutHeaders, Map<String, StringMatch> queryParams,
                                   Boolean ignoreUriCase, Integer port, Map<String, String> sourceLabels,
                                   String sourceNamespace, List<String> gateways) {
        public HttpMatchRequest {
            headers = Lists.copy(headers);
            withoutHeaders = Lists.copy(withoutHeaders);
            queryParams = Lists.copy(queryParams);
            sourceLabels = Lists.copy(sourceLabels);
            gateways = Lists.copy(gateways);
        }
    }

    /**
     * A destination and its share of traffic (percent; omitted means 100 for a single destination), with header
     * operations for the requests sent to it.
     */
    public record HttpRouteDestination(Destination destination, Integer weight, Headers headers) {
    }

    /** Header operations on the request (before it is forwarded) and on the response (before it is returned). */
    public record Headers(HeaderOperations request, HeaderOperations response) {
        /**
         * Whether a header name is the request's authority ({@code host} or {@code :authority}, any case): Envoy
         * changes it only by a host rewrite, never by a header operation.
         */
        public static boolean isAuthority(String name) {
            String n = name.toLowerCase(java.util.Locale.ROOT);
            return n.equals("host") || n.equals(":authority");
        }
    }

    /** Headers to overwrite ({@code set}), to append ({@code add}) and to remove, by name. */
    public record HeaderOperations(Map<String, String> set, Map<String, String> add, List<String> remove) {
        public HeaderOperations {
            set = Lists.copy(set);
            add = Lists.copy(add);
            remove = Lists.copy(remove);
        }
    }

    /** A service host, optionally a subset of it and a port. */
    public record Destination(String host, String subset, PortSelector port) {
    }

    /** Selects a port of the destination service by number. */
    public record PortSelector(Integer number) {
    }
}
