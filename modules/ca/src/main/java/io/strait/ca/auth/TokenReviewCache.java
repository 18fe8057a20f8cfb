package io.strait.ca.auth;

import io.strait.ca.identity.SpiffeId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Identities proven by recent TokenReviews, so a burst of requests with one token (an agent's retries, a fleet
 * restarting) costs the API server one review. Keyed by a SHA-256 of cluster and token — the token itself is not kept.
 * Only successes are cached, each until {@code margin} before the token's {@code exp} and at most {@code maxAge}
 * (a deleted pod's or service account's token stops working within that); bounded to {@code maxEntries}, the oldest
 * dropped first.
 */
public final class TokenReviewCache {
    /** Cached reviews end this long before the token expires, so a token is never accepted from cache after its exp. */
    public static final Duration DEFAULT_MARGIN = Duration.ofSeconds(30);
    /** The longest a review is trusted without asking the API server again. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);
    public static final int DEFAULT_MAX_ENTRIES = 4096;

    private final Clock clock;
    private final Duration margin;
    private final Duration maxAge;
    private final int maxEntries;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    private record Entry(SpiffeId identity, Instant until) {
    }

    public TokenReviewCache(Clock clock, Duration margin, Duration maxAge, int maxEntries) {
        this.clock = clock;
        this.margin = margin;
        this.maxAge = maxAge;
        this.maxEntries = maxEntries;
    }

    /** Istio-like defaults: 30 s margin, 5 min at most, 4096 tokens. */
    public TokenReviewCache(Clock clock) {
        this(clock, DEFAULT_MARGIN, DEFAULT_MAX_AGE, DEFAULT_MAX_ENTRIES);
    }

    /** The identity a still-valid review of this token in this cluster proved. */
    public synchronized Optional<SpiffeId> get(String cluster, String token) {
        String key = key(cluster, token);
        Entry e = entries.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(e.until())) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(e.identity());
    }

    /**
     * Remembers a successful review.
     *
     * @param expiresAt the token's {@code exp}, if it has one (legacy secret tokens do not)
     */
    public synchronized void put(String cluster, String token, SpiffeId identity, Optional<Instant> expiresAt) {
        Instant now = clock.instant();
        Instant until = now.plus(maxAge);
        if (expiresAt.isPresent() && expiresAt.get().minus(margin).isBefore(until)) {
            until = expiresAt.get().minus(margin);
        }
        if (!now.isBefore(until)) {
            return; // about to expire: not worth keeping
        }
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(e -> !now.isBefore(e.until()));
            Iterator<Map.Entry<String, Entry>> oldest = entries.entrySet().iterator();
            while (entries.size() >= maxEntries && oldest.hasNext()) {
                oldest.next();
                oldest.remove();
            }
        }
        entries.put(key(cluster, token), new Entry(identity, until));
    }

    public synchronized int size() {
        return entries.size();
    }

    private static String key(String cluster, String token) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(cluster.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
