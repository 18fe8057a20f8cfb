package io.strait.xds;

import io.grpc.Context;
import java.util.List;

/**
 * Who is calling on a secure-port stream, as the TLS handshake proved it: the SPIFFE URI SANs of the verified client
 * certificate's leaf (none when the caller presented no certificate). Carried in the gRPC {@link Context} by
 * {@link PeerIdentityInterceptor}; absent from the context on the plaintext port, so "no caller" means "plaintext".
 *
 * @param spiffeUris the leaf's {@code spiffe://} URI SANs, in certificate order; empty without a client certificate
 */
record SecureCaller(List<String> spiffeUris) {
    static final Context.Key<SecureCaller> KEY = Context.key("strait-secure-caller");

    SecureCaller {
        spiffeUris = List.copyOf(spiffeUris);
    }

    /** The caller of the current call, or null on the plaintext port. */
    static SecureCaller current() {
        return KEY.get();
    }

    boolean presentedCertificate() {
        return !spiffeUris.isEmpty();
    }
}
