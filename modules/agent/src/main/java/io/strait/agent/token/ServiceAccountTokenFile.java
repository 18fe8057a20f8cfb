package io.strait.agent.token;

import io.strait.ca.grpc.MeshTrust;
import io.strait.ca.token.UnverifiedJwt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.X509TrustManager;

/**
 * A Kubernetes service-account token in a file, as Istio's agent uses its projected {@code istio-token} (audience
 * {@code istio-ca}): read again at every use, since the kubelet rotates it in place. Such a token names no root, so
 * the CA is trusted under the roots of {@code --ca-root-file} (Istio mounts the {@code istio-ca-root-cert} ConfigMap's
 * {@code root-cert.pem}), re-read too, plus those the workload already holds from the trust bundle.
 *
 * @param tokenFile the token file ({@code --kubernetes-token-file})
 * @param rootFile  the CA's roots ({@code --ca-root-file})
 */
public record ServiceAccountTokenFile(Path tokenFile, Path rootFile) implements BootstrapCredential {
    /** Where Istio's sidecar injector mounts the token. */
    public static final Path ISTIO_TOKEN_PATH = Path.of("/var/run/secrets/tokens/istio-token");
    /** Where Istio mounts the CA's root certificate. */
    public static final Path ISTIO_ROOT_CERT_PATH = Path.of("/var/run/secrets/istio/root-cert.pem");

    /**
     * The credential, once the files are there and the token fits the flags — before the CA is called, so a mistake
     * is named here. Reads the token's claims without verifying them (the CA's TokenReview decides): a token of
     * another service account, or one past its exp, is refused.
     *
     * @throws IllegalArgumentException saying which file or flag is wrong and what to do
     */
    public static ServiceAccountTokenFile check(Path tokenFile, Path rootFile, String namespace, String serviceAccount, Instant now) {
        if (rootFile == null) {
            throw new IllegalArgumentException("--kubernetes-token-file needs --ca-root-file: a service-account token names no CA root to trust, "
                    + "so give the mesh's root certificate (Istio mounts the istio-ca-root-cert ConfigMap as " + ISTIO_ROOT_CERT_PATH + ")");
        }
        ServiceAccountTokenFile f = new ServiceAccountTokenFile(tokenFile, rootFile);
        f.roots(); // throws naming the file
        Optional<UnverifiedJwt> jwt = UnverifiedJwt.read(f.bearerToken());
        if (jwt.isEmpty()) {
            throw new IllegalArgumentException("--kubernetes-token-file " + tokenFile.toAbsolutePath() + " does not hold a JWT "
                    + "(header.payload.signature); mount a projected service-account token there");
        }
        String sub = jwt.get().claim("sub");
        String expected = "system:serviceaccount:" + namespace + ":" + serviceAccount;
        if (sub.startsWith("system:serviceaccount:") && !sub.equals(expected)) {
            throw new IllegalArgumentException("the token in " + tokenFile.toAbsolutePath() + " is " + sub + ", not " + expected
                    + " as --namespace/--service-account say; run the agent with the pod's own token");
        }
        Optional<Instant> exp = jwt.get().expiresAt();
        if (exp.isPresent() && !now.isBefore(exp.get())) {
            throw new IllegalArgumentException("the token in " + tokenFile.toAbsolutePath() + " expired at " + exp.get()
                    + "; the kubelet refreshes a projected token before that: is the volume mounted and the pod running?");
        }
        return f;
    }

    @Override
    public String bearerToken() {
        String token;
        try {
            token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --kubernetes-token-file " + tokenFile.toAbsolutePath() + ": " + e.getMessage());
        }
        if (token.isEmpty()) {
            throw new IllegalArgumentException("--kubernetes-token-file " + tokenFile.toAbsolutePath() + " is empty");
        }
        return token;
    }

    /** The roots in {@code --ca-root-file}, read now. */
    public List<X509Certificate> roots() {
        return new CaRootFile(rootFile).roots();
    }

    @Override
    public X509TrustManager caTrust(List<X509Certificate> heldRoots) {
        List<X509Certificate> all = new ArrayList<>(heldRoots);
        try {
            roots().stream().filter(r -> !all.contains(r)).forEach(all::add);
        } catch (IllegalArgumentException e) {
            if (all.isEmpty()) {
                throw e;
            }
            // the file went away after start: the roots the workload follows from the trust bundle still name the CA
        }
        return new MeshTrust(all);
    }

    @Override
    public boolean usableAt(Instant now) {
        return true; // the kubelet keeps the file current; the CA's review decides
    }

    @Override
    public String description() {
        return "the Kubernetes service-account token in " + tokenFile;
    }
}
