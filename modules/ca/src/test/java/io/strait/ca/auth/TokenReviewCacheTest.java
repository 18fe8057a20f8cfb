package io.strait.ca.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.ca.identity.SpiffeId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenReviewCacheTest {
    private static final SpiffeId WEB = new SpiffeId("cluster.local", "shop", "web");
    private Instant now = Instant.parse("2026-12-01T12:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void aReviewIsKeptUntilShortlyBeforeTheTokenExpires() {
        TokenReviewCache cache = new TokenReviewCache(clock);
        cache.put("east", "t1", WEB, Optional.of(now.plus(Duration.ofMinutes(2))));
        assertThat(cache.get("east", "t1")).contains(WEB);
        assertThat(cache.get("west", "t1")).isEmpty();
        now = now.plus(Duration.ofSeconds(89));
        assertThat(cache.get("east", "t1")).contains(WEB);
        now = now.plus(Duration.ofSeconds(1)); // 30 s before exp
        assertThat(cache.get("east", "t1")).isEmpty();
    }

    @Test
    void atMostMaxAgeAndNeverATokenAboutToExpire() {
        TokenReviewCache cache = new TokenReviewCache(clock);
        cache.put("east", "long", WEB, Optional.of(now.plus(Duration.ofDays(365))));
        cache.put("east", "legacy", WEB, Optional.empty());
        cache.put("east", "dying", WEB, Optional.of(now.plus(Duration.ofSeconds(10))));
        assertThat(cache.get("east", "dying")).isEmpty();
        now = now.plus(Duration.ofMinutes(5));
        assertThat(cache.get("east", "long")).isEmpty();
        assertThat(cache.get("east", "legacy")).isEmpty();
    }

    @Test
    void boundedTheOldestGoingFirst() {
        TokenReviewCache cache = new TokenReviewCache(clock, Duration.ofSeconds(30), Duration.ofMinutes(5), 3);
        for (int i = 0; i < 5; i++) {
            cache.put("east", "t" + i, WEB, Optional.empty());
        }
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.get("east", "t0")).isEmpty();
        assertThat(cache.get("east", "t4")).contains(WEB);
    }
}
