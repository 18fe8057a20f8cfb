package io.strait.cli.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret that authenticates privileged admin-port requests (join tokens, apply, delete, config reads): 32 random bytes in
 * {@code <data-dir>/admin-token}, created 0600 on first start. Whoever can read it could also read the CA key in
 * {@code <data-dir>/ca/}, so it grants nothing the file system does not already; the admin port binds loopback only,
 * so it also takes a local account to use it.
 */
public final class AdminSecret {
    static final String FILE = "admin-token";

    private AdminSecret() {
    }

    /** The secret of {@code dataDir}, created there if missing. */
    public static String create(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            if (!Files.exists(file)) {
                byte[] b = new byte[32];
                new SecureRandom().nextBytes(b);
                Path tmp = dataDir.resolve(FILE + ".tmp");
                Files.deleteIfExists(tmp);
                try {
                    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(tmp);
                }
                Files.writeString(tmp, HexFormat.of().formatHex(b) + "\n", StandardCharsets.US_ASCII);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return read(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the admin secret " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether an {@code Authorization} header carries {@code secret} as a bearer token. Compared in constant time, so
     * the answer's timing tells nothing of how much of a guess was right; no secret (null) authorizes nothing.
     */
    public static boolean authorizes(String header, String secret) {
        if (header == null || secret == null || secret.isEmpty()) {
            return false;
        }
        return java.security.MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
                ("Bearer " + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** The secret a running node created in {@code dataDir}. */
    public static String read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file.toAbsolutePath() + " (" + e.getMessage()
                    + "): run this where the node's --data-dir is readable, or pass --data-dir or --ca-dir");
        }
    }
}
