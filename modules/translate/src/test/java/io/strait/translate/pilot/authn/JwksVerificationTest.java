package io.strait.translate.pilot.authn;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpServer;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtProvider;
import io.strait.ingest.jwks.JwksFetcher;
import io.strait.ingest.jwks.JwksKeys;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.revision.Revision;
import io.strait.ingest.revision.RevisionBuilder;
import io.strait.ingest.revision.RevisionOutcome;
import io.strait.model.finding.Finding;
import io.strait.model.mesh.MeshModel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * JWKS fetched at ingest, end to end without a proxy: a real JWKS HTTP server, real RS256 and ES256 tokens signed
 * here, ingest's {@link JwksKeys} adding the keys to the revision, the translator's jwt_authn filter inlining them,
 * and a Java verifier (nimbus) standing in for Envoy: it verifies each provider's tokens with that provider's
 * inline key set, issuer and audiences only. A failed fetch yields a key set no token verifies against, and a
 * warning naming the file, line, field and URI.
 */
class JwksVerificationTest {
    private HttpServer server;
    private final AtomicReference<String> served = new AtomicReference<>();
    private final AtomicInteger gets = new AtomicInteger();
    private RSAKey rsa;
    private ECKey ec;

    @BeforeEach
    void start() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rs-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("es-1").generate();
        served.set(new JWKSet(java.util.List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks", exchange -> {
            gets.incrementAndGet();
            byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/broken", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void fetchedKeysVerifyRealTokensAndAFailedFetchVerifiesNone() throws Exception {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        LoadResult loaded = ConfigLoader.parse(Map.of("jwt.yaml", """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: jwt, namespace: shop}
                spec:
                  jwtRules:
                  - issuer: https://rs.example.com
                    audiences: [shop]
                    jwksUri: %s/jwks
                  - issuer: https://es.example.com
                    jwksUri: %s/jwks
                  - issuer: https://down.example.com
                    jwksUri: %s/broken
                """.formatted(base, base, base)));
        Revision plain = ((RevisionOutcome.Accepted) new RevisionBuilder().build("t", null, loaded)).revision();
        MutableClock clock = new MutableClock();
        JwksKeys keys = new JwksKeys(new JwksFetcher(), Duration.ofMinutes(20), clock);
        Revision revision = keys.apply(plain, loaded);

        assertThat(revision.id()).isNotEqualTo(plain.id()); // keys make a revision of their own
        Finding warning = revision.warnings().stream().filter(f -> f.code().equals(JwksKeys.FETCH_FAILED)).findFirst().orElseThrow();
        assertThat(warning.file()).isEqualTo("jwt.yaml");
        assertThat(warning.line()).isEqualTo(12);
        assertThat(warning.field()).isEqualTo("spec.jwtRules[2].jwksUri");
        assertThat(warning.message()).contains(base + "/broken", "HTTP 503", "fail closed");

        JwtAuthentication filter = filterOf(revision);
        JwtProvider rs = provider(filter, "https://rs.example.com");
        JwtProvider es = provider(filter, "https://es.example.com");
        JwtProvider down = provider(filter, "https://down.example.com");
        String rsToken = sign(rsa, JWSAlgorithm.RS256, "https://rs.example.com", "shop");
        String esToken = sign(ec, JWSAlgorithm.ES256, "https://es.example.com", null);
        assertThat(verifies(rs, rsToken)).isTrue();
        assertThat(verifies(es, esToken)).isTrue();
        // each provider checks its own issuer and audiences: tokens do not cross over
        assertThat(verifies(rs, esToken)).isFalse();
        assertThat(verifies(rs, sign(rsa, JWSAlgorithm.RS256, "https://rs.example.com", "other"))).isFalse();
        // a token signed by a key the JWKS does not hold
        assertThat(verifies(es, sign(new ECKeyGenerator(Curve.P_256).keyID("es-1").generate(), JWSAlgorithm.ES256,
                "https://es.example.com", null))).isFalse();
        // the failed fetch: no token of that issuer verifies, whichever key signed it
        assertThat(down.getLocalJwks().getInlineString()).isEqualTo(io.strait.model.istio.RequestAuthentication.UNVERIFIABLE_JWKS);
        assertThat(verifies(down, sign(rsa, JWSAlgorithm.RS256, "https://down.example.com", null))).isFalse();

        // cached until the refresh interval: the same keys, no new GET; after it, new keys are fetched
        int before = gets.get();
        assertThat(keys.apply(plain, loaded).id()).isEqualTo(revision.id());
        assertThat(gets.get()).isEqualTo(before);
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rs-2").generate();
        served.set(new JWKSet(java.util.List.of(rotated.toPublicJWK(), ec.toPublicJWK())).toString());
        clock.advance(Duration.ofMinutes(21));
        Revision refreshed = keys.apply(plain, loaded);
        assertThat(refreshed.id()).isNotEqualTo(revision.id());
        JwtProvider rsAfter = provider(filterOf(refreshed), "https://rs.example.com");
        assertThat(verifies(rsAfter, sign(rotated, JWSAlgorithm.RS256, "https://rs.example.com", "shop"))).isTrue();
        assertThat(verifies(rsAfter, rsToken)).isFalse();

        // a failed refresh keeps the last keys fetched, with a warning saying so
        server.removeContext("/jwks");
        clock.advance(Duration.ofMinutes(21));
        Revision stale = keys.apply(plain, loaded);
        assertThat(stale.id()).isEqualTo(refreshed.id());
        assertThat(stale.warnings()).anyMatch(f -> f.field().equals("spec.jwtRules[0].jwksUri")
                && f.message().contains("HTTP 404") && f.message().contains("stay in use"));
    }

    private static JwtAuthentication filterOf(Revision revision) throws Exception {
        MeshModel model = MeshModel.of(revision.resources().values().stream().map(e -> e.resource()).toList());
        return JwtAuthn.of(model, "shop", Map.of("app", "any"), false).orElseThrow().getTypedConfig().unpack(JwtAuthentication.class);
    }

    private static JwtProvider provider(JwtAuthentication filter, String issuer) {
        return filter.getProvidersMap().values().stream().filter(p -> p.getIssuer().equals(issuer)).findFirst().orElseThrow();
    }

    private static String sign(com.nimbusds.jose.jwk.JWK key, JWSAlgorithm alg, String issuer, String audience) throws JOSEException {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).subject("user-1")
                .expirationTime(new Date(System.currentTimeMillis() + 600_000));
        if (audience != null) {
            claims.audience(audience);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims.build());
        jwt.sign(key instanceof RSAKey r ? new RSASSASigner(r) : new ECDSASigner((ECKey) key));
        return jwt.serialize();
    }

    /** What Envoy's provider checks: a signature by a key of its inline JWKS, its issuer, its audiences, expiry. */
    private static boolean verifies(JwtProvider provider, String token) {
        try {
            DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
            processor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                    new ImmutableJWKSet<>(JWKSet.parse(provider.getLocalJwks().getInlineString()))));
            processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                    provider.getAudiencesCount() == 0 ? null : Set.copyOf(provider.getAudiencesList()),
                    new JWTClaimsSet.Builder().issuer(provider.getIssuer()).build(), Set.of("exp"), null));
            processor.process(token, null);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

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
    }
}
