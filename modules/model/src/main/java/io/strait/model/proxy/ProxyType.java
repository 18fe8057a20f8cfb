package io.strait.model.proxy;

/** What kind of data-plane client a proxy is; each gets the xDS flavour it understands. */
public enum ProxyType {
    /** An Envoy sidecar (node id {@code sidecar~…}). */
    SIDECAR,
    /** An Envoy gateway (node id {@code router~…}). */
    ROUTER,
    /** A proxyless gRPC client ({@code GENERATOR: grpc} in its node metadata). */
    GRPC
}
