package io.strait.agent.token;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.X509TrustManager;

/**
 * What buys a certificate when the workload holds none that is valid — the first one, or after the held one expired
 * while the CA was away: a join token ({@link JoinTokenCredential}) or a Kubernetes service-account token
 * ({@link ServiceAccountTokenFile}). Renewal otherwise uses the certificate itself.
 */
public interface BootstrapCredential {
    /** The bearer token to send now (a token file is read again: the kubelet rotates it). */
    String bearerToken();

    /** How to trust the CA for this call; {@code heldRoots} are the roots the workload already holds (none at first). */
    X509TrustManager caTrust(List<X509Certificate> heldRoots);

    /** Whether it is worth presenting at {@code now} (a join token past its exp is not). */
    boolean usableAt(Instant now);

    /** What it is, for messages: "the join token", "the Kubernetes service-account token in /path". */
    String description();
}
