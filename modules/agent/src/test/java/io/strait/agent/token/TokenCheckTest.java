package io.strait.agent.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strait.ca.identity.SpiffeId;
import io.strait.ca.keys.CaKeys;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.SelfSignedRoot;
import io.strait.ca.token.JoinTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TokenCheckTest {
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private final CaKeys keys = SelfSignedRoot.create(KeyType.ECDSA, "cluster.local", Clock.systemUTC());
    private final JoinTokens tokens = new JoinTokens(keys, "cluster.local", Clock.fixed(NOW, ZoneOffset.UTC));
    private final String reviews = tokens.issue(new SpiffeId("cluster.local", "bookinfo", "reviews"), Duration.ofHours(1));

    @Test
    void aTokenForTheFlagsIdentityPasses() {
        assertThat(TokenCheck.check(reviews, "bookinfo", "reviews", NOW).rootFingerprint()).isEqualTo(keys.rootFingerprint());
    }

    @Test
    void anotherIdentityIsNamed() {
        assertThatThrownBy(() -> TokenCheck.check(reviews, "bookinfo", "ratings", NOW))
                .hasMessageContaining("namespace bookinfo, service account reviews")
                .hasMessageContaining("not namespace bookinfo, service account ratings");
        assertThatThrownBy(() -> TokenCheck.check(reviews, "shop", "reviews", NOW)).hasMessageContaining("not namespace shop");
    }

    @Test
    void anExpiredTokenSaysWhen() {
        assertThatThrownBy(() -> TokenCheck.check(reviews, "bookinfo", "reviews", NOW.plus(Duration.ofHours(3))))
                .hasMessageContaining("expired at 2026-01-01T13:00:00Z, 2h ago");
    }

    @Test
    void garbageIsNotAToken() {
        assertThatThrownBy(() -> TokenCheck.check("not-a-token", "bookinfo", "reviews", NOW)).hasMessageContaining("malformed");
    }
}
