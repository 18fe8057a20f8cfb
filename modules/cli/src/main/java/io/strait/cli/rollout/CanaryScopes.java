package io.strait.cli.rollout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Pure: which scopes are a revision's canaries. A scope is one when the SHA-256 of its id, taken mod 10,000, is below
 * the policy's basis points — the same scopes for every revision and every controller, and a larger share always
 * includes a smaller one's — and at least one scope is (the lowest such value) when any exist, so a small share of a
 * small fleet still tests something.
 */
public final class CanaryScopes {
    private CanaryScopes() {
    }

    /** The canary scopes among {@code scopes}, sorted. */
    public static List<String> pick(Collection<String> scopes, int basisPoints) {
        List<String> sorted = scopes.stream().distinct().sorted().toList();
        List<String> picked = sorted.stream().filter(s -> bucket(s) < basisPoints).toList();
        if (!picked.isEmpty() || sorted.isEmpty() || basisPoints <= 0) {
            return picked;
        }
        return List.of(sorted.stream().min(Comparator.comparingInt(CanaryScopes::bucket).thenComparing(s -> s)).get());
    }

    /** The scope's place in 0..9,999. */
    static int bucket(String scope) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(scope.getBytes(StandardCharsets.UTF_8));
            long v = ((d[0] & 0xffL) << 24) | ((d[1] & 0xffL) << 16) | ((d[2] & 0xffL) << 8) | (d[3] & 0xffL);
            return (int) (v % 10_000);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
