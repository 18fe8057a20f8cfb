package io.strait.xds;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Puts the secure-port caller's identity into the call's {@link Context} as a {@link SecureCaller}: the SPIFFE URI SANs
 * of the client certificate the TLS layer verified against the mesh roots. Deciding whether the identity may have the
 * stream is {@link NodeAuthorization}'s job, on the stream's first request, when the node's claims are known. Installed
 * only on the secure services, so plaintext calls carry no caller at all.
 */
final class PeerIdentityInterceptor implements ServerInterceptor {

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SecureCaller caller = new SecureCaller(spiffeUris(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION)));
        // the engine serves each request from the call listener's onMessage, which gRPC invokes with this context
        // attached, so ProxyTracker (a stream's first request) and NamespaceSecrets (SDS) read SecureCaller.current()
        return Contexts.interceptCall(Context.current().withValue(SecureCaller.KEY, caller), call, headers, next);
    }

    /** The leaf's SPIFFE URIs; empty when there is no TLS session or no (verified) client certificate. */
    static List<String> spiffeUris(SSLSession session) {
        if (session == null) {
            return List.of();
        }
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return List.of(); // the client sent no certificate (the port asks for one but does not demand it)
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            return List.of();
        }
        try {
            return io.strait.ca.identity.SpiffeId.urisOf(leaf);
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }
}
