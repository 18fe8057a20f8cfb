package io.strait.ca.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strait.ca.identity.SpiffeId;
import io.strait.ca.keys.CaKeys;
import io.strait.ca.keys.KeyType;
import io.strait.ca.keys.PluggedCa;
import io.strait.ca.keys.SelfSignedRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JoinTokensTest {
    private static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final CaKeys keys = SelfSignedRoot.create(KeyType.ECDSA, "cluster.local", clock);
    private final JoinTokens tokens = new JoinTokens(keys, "cluster.local", clock);
    private final SpiffeId reviews = new SpiffeId("cluster.local", "bookinfo", "reviews");

    @Test
    void aTokenNamesOneIdentityExpiresAndCarriesTheRootFingerprint() throws Exception {
        String token = tokens.issue(reviews, Duration.ofHours(1));
        assertThat(token.split("\\.")).hasSize(3);
        JoinToken t = tokens.verify(token);
        assertThat(t.identity()).isEqualTo(reviews);
        assertThat(t.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        assertThat(t.rootFingerprint()).isEqualTo(keys.rootFingerprint());
        assertThat(t.id()).isNotBlank().isNotEqualTo(tokens.verify(tokens.issue(reviews, Duration.ofHours(1))).id());
        assertThat(JoinTokens.unverifiedClaims(token).rootFingerprint()).isEqualTo(keys.rootFingerprint());
    }

    @Test
    void anExpiredTokenIsRefused() {
        String token = tokens.issue(reviews, Duration.ofMinutes(5));
        JoinTokens later = new JoinTokens(keys, "cluster.local", Clock.offset(clock, Duration.ofMinutes(5)));
        assertThatThrownBy(() -> later.verify(token)).isInstanceOf(TokenRejected.class).hasMessageContaining("expired at 2026-12-01T09:05:00Z");
    }

    @Test
    void aTamperedTokenIsRefused() {
        String token = tokens.issue(reviews, Duration.ofHours(1));
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"sa\":\"reviews\"", "\"sa\":\"admin\"").replace("/sa/reviews", "/sa/admin");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertThatThrownBy(() -> tokens.verify(forged)).isInstanceOf(TokenRejected.class).hasMessageContaining("signature does not verify");
        String badSig = parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10) + (parts[2].charAt(10) == 'A' ? 'B' : 'A') + parts[2].substring(11);
        assertThatThrownBy(() -> tokens.verify(badSig)).hasMessageContaining("signature does not verify");
    }

    @Test
    void aTokenOfAnotherCaIsRefused() {
        CaKeys other = SelfSignedRoot.create(KeyType.ECDSA, "cluster.local", clock);
        String token = new JoinTokens(other, "cluster.local", clock).issue(reviews, Duration.ofHours(1));
        assertThatThrownBy(() -> tokens.verify(token)).hasMessageContaining("signed by another CA");
    }

    @Test
    void malformedTokensAreRefusedWithoutQuotingThem() {
        assertThatThrownBy(() -> tokens.verify("")).hasMessageContaining("no join token");
        assertThatThrownBy(() -> tokens.verify("abc.def")).hasMessageContaining("expected three dot-separated parts, found 2");
        assertThatThrownBy(() -> tokens.verify("!!!.def.ghi")).hasMessageContaining("header is not base64url");
        assertThatThrownBy(() -> tokens.verify("x".repeat(5000))).hasMessageContaining("at most 4096");
        String secret = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2VjcmV0";
        assertThatThrownBy(() -> tokens.verify(secret)).hasMessageNotContaining(secret).hasMessageContaining("alg none");
    }

    @Test
    void twoReplicasOfOnePluggedInCaVerifyEachOthersTokens(@TempDir Path dir) throws Exception {
        CaKeys created = SelfSignedRoot.createOrLoad(dir, KeyType.ECDSA, "cluster.local", Clock.systemUTC());
        JoinTokens a = new JoinTokens(PluggedCa.load(dir, Clock.systemUTC()), "cluster.local", Clock.systemUTC());
        JoinTokens b = new JoinTokens(PluggedCa.load(dir, Clock.systemUTC()), "cluster.local", Clock.systemUTC());
        assertThat(b.verify(a.issue(reviews, Duration.ofHours(1))).identity()).isEqualTo(reviews);
        assertThat(a.verify(b.issue(reviews, Duration.ofHours(1))).rootFingerprint()).isEqualTo(created.rootFingerprint());
    }

    @Test
    void rsaCasSignRs256Tokens() throws Exception {
        CaKeys rsa = SelfSignedRoot.create(KeyType.RSA, "cluster.local", clock);
        JoinTokens t = new JoinTokens(rsa, "cluster.local", clock);
        String token = t.issue(reviews, Duration.ofHours(1));
        assertThat(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8)).contains("RS256");
        assertThat(t.verify(token).identity()).isEqualTo(reviews);
        assertThatThrownBy(() -> tokens.verify(token)).hasMessageContaining("not a join token of this CA");
    }

    @Test
    void tokenTtlAndTrustDomainAreChecked() {
        assertThatThrownBy(() -> tokens.issue(reviews, Duration.ofDays(31))).hasMessageContaining("at most 30 days");
        assertThatThrownBy(() -> tokens.issue(new SpiffeId("other.org", "a", "b"), Duration.ofHours(1))).hasMessageContaining("not in this CA's trust domain");
    }
}
