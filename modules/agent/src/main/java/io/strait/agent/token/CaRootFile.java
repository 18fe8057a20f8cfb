package io.strait.agent.token;

import io.strait.ca.keys.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * {@code --ca-root-file}: the mesh's root certificates, by which a workload without a pinned root trusts the CA (Istio
 * mounts the {@code istio-ca-root-cert} ConfigMap's {@code root-cert.pem}). Read at each use: the ConfigMap follows a
 * root rotation.
 *
 * @param path the PEM file
 */
public record CaRootFile(Path path) {
    /** The roots in the file now. @throws IllegalArgumentException naming the flag and file when unreadable or empty */
    public List<X509Certificate> roots() {
        String pem;
        try {
            pem = Files.readString(path, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --ca-root-file " + path.toAbsolutePath() + ": " + e.getMessage());
        }
        List<X509Certificate> roots = Pem.certificates(pem, "--ca-root-file " + path.toAbsolutePath());
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("--ca-root-file " + path.toAbsolutePath() + " holds no certificate");
        }
        return roots;
    }
}
