package io.strait.xds;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.strait.ca.keys.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the {@code credentialName} secret store kept as files: {@code <dir>/<namespace>/<name>/} with {@code tls.crt}
 * and {@code tls.key} (a certificate and its key: a Kubernetes TLS Secret) and/or {@code ca.crt} (roots to verify peers
 * with). Each entry becomes the Envoy secrets the translator names: {@code kubernetes://<name>} (the certificate) and
 * {@code kubernetes://<name>-cacert} (the roots), and the same under Istio's namespaced form
 * {@code kubernetes://<namespace>/<name>}. An entry with unreadable PEM, a key that does not belong to its certificate,
 * or half a pair is reported (path and what is wrong, never the key) and left out; the rest are still served.
 * Pure apart from reading the files.
 */
final class SecretDirectory {
    static final String PREFIX = "kubernetes://";
    static final String CA_SUFFIX = "-cacert";
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    /**
     * What the directory holds now.
     *
     * @param byNamespace per namespace, secret name to secret (every name a proxy of that namespace may ask for)
     * @param problems    one line per entry that is not served, naming its path and what is wrong
     */
    record Contents(Map<String, Map<String, Secret>> byNamespace, List<String> problems) {
    }

    private SecretDirectory() {
    }

    static Contents read(Path root) {
        Map<String, Map<String, Secret>> out = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            problems.add("secret directory " + root + " does not exist or is not a directory: no credentialName secret is served");
            return new Contents(out, problems);
        }
        for (Path nsDir : list(root, problems)) {
            String namespace = nsDir.getFileName().toString();
            if (!Files.isDirectory(nsDir) || namespace.startsWith(".")) {
                continue; // stray files and hidden entries (a Kubernetes volume's ..data links) are not namespaces
            }
            if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
                problems.add(nsDir + ": \"" + namespace + "\" is not a namespace name (a DNS-1123 label)");
                continue;
            }
            for (Path entry : list(nsDir, problems)) {
                String name = entry.getFileName().toString();
                if (!Files.isDirectory(entry) || name.startsWith(".")) {
                    continue;
                }
                if (!NAME.matcher(name).matches()) {
                    problems.add(entry + ": \"" + name + "\" is not a secret name (a DNS-1123 subdomain)");
                    continue;
                }
                Map<String, Secret> secrets = out.computeIfAbsent(namespace, n -> new TreeMap<>());
                entry(entry, namespace, name, secrets, problems);
            }
        }
        out.values().removeIf(Map::isEmpty);
        return new Contents(out, problems);
    }

    private static void entry(Path dir, String namespace, String name, Map<String, Secret> secrets, List<String> problems) {
        Path crt = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Path ca = dir.resolve("ca.crt");
        boolean hasCrt = Files.isRegularFile(crt);
        boolean hasKey = Files.isRegularFile(key);
        boolean hasCa = Files.isRegularFile(ca);
        if (!hasCrt && !hasKey && !hasCa) {
            problems.add(dir + ": holds none of tls.crt, tls.key, ca.crt");
            return;
        }
        if (hasCrt != hasKey) {
            problems.add(dir + ": " + (hasCrt ? "tls.crt has no tls.key" : "tls.key has no tls.crt") + " beside it; both are needed");
        } else if (hasCrt) {
            try {
                String crtPem = Files.readString(crt, StandardCharsets.US_ASCII);
                String keyPem = Files.readString(key, StandardCharsets.US_ASCII);
                List<X509Certificate> chain = Pem.certificates(crtPem, crt.toString());
                PrivateKey privateKey = Pem.privateKey(keyPem, key.toString());
                if (!io.strait.ca.keys.KeyType.belongsTo(privateKey, chain.get(0))) {
                    problems.add(dir + ": tls.key is not the key of the first certificate in tls.crt ("
                            + chain.get(0).getSubjectX500Principal() + ")");
                } else {
                    TlsCertificate tls = TlsCertificate.newBuilder()
                            .setCertificateChain(inline(crtPem))
                            .setPrivateKey(inline(keyPem))
                            .build();
                    for (String n : names(namespace, name)) {
                        secrets.put(n, Secret.newBuilder().setName(n).setTlsCertificate(tls).build());
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                problems.add(dir + ": " + e.getMessage());
            }
        }
        if (hasCa) {
            try {
                String caPem = Files.readString(ca, StandardCharsets.US_ASCII);
                Pem.certificates(caPem, ca.toString());
                CertificateValidationContext roots = CertificateValidationContext.newBuilder().setTrustedCa(inline(caPem)).build();
                for (String n : names(namespace, name)) {
                    secrets.put(n + CA_SUFFIX, Secret.newBuilder().setName(n + CA_SUFFIX).setValidationContext(roots).build());
                }
            } catch (IOException | IllegalArgumentException e) {
                problems.add(dir + ": " + e.getMessage());
            }
        }
    }

    /** The names a proxy of {@code namespace} asks for this entry by: the translator's and Istio's namespaced one. */
    private static List<String> names(String namespace, String name) {
        return List.of(PREFIX + name, PREFIX + namespace + "/" + name);
    }

    private static DataSource inline(String pem) {
        return DataSource.newBuilder().setInlineBytes(ByteString.copyFrom(pem, StandardCharsets.US_ASCII)).build();
    }

    private static List<Path> list(Path dir, List<String> problems) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        } catch (IOException e) {
            problems.add(dir + ": cannot be listed: " + e.getMessage());
            return List.of();
        }
    }
}
