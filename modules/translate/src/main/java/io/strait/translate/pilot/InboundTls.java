package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import java.util.ArrayList;
import java.util.List;

/**
 * The inbound filter chains of one Envoy sidecar port under its mTLS mode, with Istio's matches (the TLS inspector
 * on {@code virtualInbound} sets the transport protocol and ALPN they read):
 * <ul>
 *   <li>STRICT: one chain, transport {@code tls}, terminating mTLS with a client certificate required. A plain-text
 *   connection to the port matches no chain and is closed — Envoy never falls back to a chain without the port.</li>
 *   <li>PERMISSIVE: mTLS when the client offers Istio's mesh ALPN over TLS; plain text on {@code raw_buffer}; for TCP
 *   ports also TLS without the mesh ALPN, passed on untouched (the application's own TLS).</li>
 *   <li>DISABLE: plain text only ({@code raw_buffer}).</li>
 * </ul>
 */
final class InboundTls {
    static final String TLS = "tls";
    static final String RAW_BUFFER = "raw_buffer";
    /** ALPN of mesh mTLS from Istio sidecars: HTTP detected by the client ({@code istio-http/*}), or TCP ({@code istio}). */
    static final List<String> MESH_ALPN = List.of("istio", "istio-peer-exchange", "istio-http/1.0", "istio-http/1.1", "istio-h2");

    private InboundTls() {
    }

    /** One chain to build: how it matches, and whether it terminates mesh mTLS. */
    record Chain(String nameSuffix, String transportProtocol, List<String> alpn, boolean mtls) {
    }

    /** The chains of a port: {@code http} for a connection manager, else a TCP proxy. */
    static List<Chain> chains(PeerAuthentications.Mode mode, boolean http) {
        List<Chain> out = new ArrayList<>();
        switch (mode) {
            case STRICT -> out.add(new Chain("-mtls", TLS, List.of(), true));
            case PERMISSIVE -> {
                out.add(new Chain("-mtls", TLS, MESH_ALPN, true));
                if (!http) {
                    out.add(new Chain("-tls", TLS, List.of(), false));
                }
                out.add(new Chain("", RAW_BUFFER, List.of(), false));
            }
            case DISABLE -> out.add(new Chain("", RAW_BUFFER, List.of(), false));
        }
        return out;
    }

    /** The chain's match on top of {@code base} (a destination port, or none for the catch-all). */
    static FilterChainMatch.Builder match(Chain chain, FilterChainMatch.Builder base) {
        return base.setTransportProtocol(chain.transportProtocol()).addAllApplicationProtocols(chain.alpn());
    }

    /** Adds the chain's transport socket: the workload's mTLS when it terminates it. */
    static FilterChain.Builder secure(Chain chain, boolean http, FilterChain.Builder builder) {
        return chain.mtls() ? builder.setTransportSocket(MeshIdentityTls.envoyServer(http)) : builder;
    }
}
