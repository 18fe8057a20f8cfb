package io.strait.xds;

import io.strait.ca.grpc.DeferredServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * Where a front serves xDS and with what trust. The plaintext port (15010) is for the embedded demo; the secure port
 * (like istiod's 15012) requires a mesh workload certificate matching the node. With a CA in the same process
 * ({@code strait up}) the front joins the CA's secure port through {@code sharedSecurePort}; alone
 * ({@code strait run xds}) it opens its own with the identity in {@code identityDir}.
 *
 * @param plaintext        serve the plaintext port ({@code --plaintext-xds}, default true)
 * @param sharedSecurePort the CA's secure port of this process, or null
 * @param securePort       the front's own secure port ({@code --secure-port}) when {@code identityDir} is set; 0 picks one
 * @param identityDir      {@code cert-chain.pem}, {@code key.pem}, {@code root-cert.pem} of the front's own secure port, or null
 * @param secretDir        the {@code credentialName} secret store ({@code --secret-dir}), or null for none
 * @param trustDomains     the mesh's trust domain and its aliases: callers of the secure port must be in one of them
 * @param reloadEvery      how often the identity and secret directories are re-read
 */
public record FrontSecurity(boolean plaintext, DeferredServices sharedSecurePort, int securePort, Path identityDir, Path secretDir,
                            Set<String> trustDomains, Duration reloadEvery) {
    public FrontSecurity {
        trustDomains = Set.copyOf(trustDomains);
        if (!plaintext && sharedSecurePort == null && identityDir == null) {
            throw new IllegalArgumentException("--plaintext-xds=false leaves this xDS front no port to serve on: run it with the CA "
                    + "(strait up) or give it a secure port with --identity-dir DIR (cert-chain.pem, key.pem, root-cert.pem)");
        }
    }

    /** The plaintext port only, as before secure xDS: no secrets, trust domain cluster.local. */
    public static FrontSecurity plaintextOnly() {
        return new FrontSecurity(true, null, 0, null, null, Set.of("cluster.local"), Duration.ofSeconds(5));
    }

    public boolean secure() {
        return sharedSecurePort != null || identityDir != null;
    }
}
