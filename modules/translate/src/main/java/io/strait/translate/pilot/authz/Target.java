package io.strait.translate.pilot.authz;

/**
 * What enforces the RBAC rules being generated: Envoy on an HTTP chain, Envoy on a TCP chain, or a proxyless gRPC
 * server (grpc-java's RBAC filter, gRFC A41). A rule part the target cannot evaluate is {@link NotEnforceable}.
 */
enum Target {
    /** Envoy's HTTP RBAC filter: every attribute. */
    HTTP,
    /** Envoy's network RBAC filter: no request attributes (methods, paths, hosts, headers, JWT claims). */
    TCP,
    /**
     * grpc-java: requests, but no JWT (it has no jwt_authn, so no claims in metadata), no metadata matchers, no URI
     * templates, and no SNI (a gRPC server sees none).
     */
    GRPC;

    /** Whether the target sees HTTP requests (methods, paths, hosts, headers). */
    boolean http() {
        return this != TCP;
    }
}
