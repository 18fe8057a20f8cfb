package io.strait.agent.token;

import io.strait.ca.grpc.MeshTrust;
import io.strait.ca.grpc.RootPinnedTrust;
import io.strait.ca.token.JoinToken;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.X509TrustManager;

/**
 * A join token ({@code strait token create}): the CA is trusted only under the root the token names, unless the
 * operator gave the roots ({@code --ca-root-file}); usable until the token's exp.
 *
 * @param token  the token
 * @param claims its claims, checked against the flags by {@link TokenCheck}
 * @param roots  roots given with {@code --ca-root-file}, or empty to pin the token's root
 */
public record JoinTokenCredential(String token, JoinToken claims, List<X509Certificate> roots) implements BootstrapCredential {
    public JoinTokenCredential {
        roots = List.copyOf(roots);
    }

    @Override
    public String bearerToken() {
        return token;
    }

    @Override
    public X509TrustManager caTrust(List<X509Certificate> heldRoots) {
        return roots.isEmpty() ? new RootPinnedTrust(claims.rootFingerprint()) : new MeshTrust(roots);
    }

    @Override
    public boolean usableAt(Instant now) {
        return now.isBefore(claims.expiresAt());
    }

    @Override
    public String description() {
        return "the join token";
    }
}
