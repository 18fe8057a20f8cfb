package io.strait.agent.credentials;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The files a workload's TLS stack reads, in Istio's names: {@code key.pem} (PKCS#8, 0600), {@code cert-chain.pem}
 * (leaf, then intermediates) and {@code root-cert.pem} (every trusted root), kept current in one directory.
 *
 * <p>Why not three separate atomic renames: grpc-java's {@code file_watcher} provider
 * ({@code FileWatcherCertificateProvider.checkAndReloadCertificates}) reads the certificate and the key whenever
 * either file's mtime changed and accepts the pair if neither mtime moved while it read. A scan that falls between
 * two renames sees two stable files — the new key and the old certificate, whatever the order — and installs a
 * mismatched pair until its next scan. No order of two renames avoids that, so all three files change in
 * <em>one</em> rename, as the kubelet updates a mounted Secret: each version is written complete into a fresh hidden
 * directory ({@code ..v<N>/}), then the symlink {@code ..data} is replaced by a temporary symlink moved over it with
 * {@code ATOMIC_MOVE}; the three names are symlinks into {@code ..data/}. A reader resolves each name through
 * {@code ..data} and sees either the old version or the new one, and because the provider compares the mtimes of
 * what the names resolve to before and after reading, a swap during its read changes the certificate's mtime and
 * the pair is discarded and re-read on the next scan. The previous version is kept for a reader still opening it.
 */
public final class CredentialFiles {
    public static final String KEY = "key.pem";
    public static final String CERT_CHAIN = "cert-chain.pem";
    public static final String ROOT_CERT = "root-cert.pem";
    static final String DATA = "..data";
    static final String VERSION_PREFIX = "..v";

    private final Path dir;

    public CredentialFiles(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    public Path dir() {
        return dir;
    }

    public Path key() {
        return dir.resolve(KEY);
    }

    public Path certChain() {
        return dir.resolve(CERT_CHAIN);
    }

    public Path rootCert() {
        return dir.resolve(ROOT_CERT);
    }

    /** Makes {@code credentials} what the three names show, in one atomic step. */
    public synchronized void write(WorkloadCredentials credentials) {
        try {
            Files.createDirectories(dir);
            List<Path> old = versions();
            long next = old.isEmpty() ? 1 : number(old.get(old.size() - 1)) + 1;
            Path version = dir.resolve(VERSION_PREFIX + next);
            Files.createDirectory(version);
            writeKey(version.resolve(KEY), credentials.keyPem());
            Files.writeString(version.resolve(CERT_CHAIN), credentials.chainPem(), StandardCharsets.US_ASCII);
            Files.writeString(version.resolve(ROOT_CERT), credentials.rootsPem(), StandardCharsets.US_ASCII);
            replaceLink(dir.resolve(DATA), version.getFileName());
            for (String name : List.of(KEY, CERT_CHAIN, ROOT_CERT)) {
                Path link = dir.resolve(name);
                if (!Files.isSymbolicLink(link)) {
                    // first write, or a directory strait cert request wrote plain files into
                    replaceLink(link, Path.of(DATA, name));
                }
            }
            // keep the version just replaced: a reader may have resolved ..data to it a moment ago
            for (int i = 0; i < old.size() - 1; i++) {
                deleteVersion(old.get(i));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the workload's certificate files in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Writes a small text file (the bootstrap) atomically: a temporary file moved over the name. */
    public static void writeAtomically(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeKey(Path file, String pem) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }

    private void replaceLink(Path link, Path target) throws IOException {
        Path tmp = link.resolveSibling(link.getFileName() + ".tmp-link");
        Files.deleteIfExists(tmp);
        try {
            Files.createSymbolicLink(tmp, target);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another writer is using " + dir, e);
        }
        Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private List<Path> versions() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, VERSION_PREFIX + "*")) {
            for (Path p : s) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && number(p) > 0) {
                    out.add(p);
                }
            }
        }
        out.sort(Comparator.comparingLong(CredentialFiles::number));
        return out;
    }

    private static long number(Path version) {
        try {
            return Long.parseLong(version.getFileName().toString().substring(VERSION_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void deleteVersion(Path version) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(version)) {
            for (Path p : s) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(version);
    }
}
