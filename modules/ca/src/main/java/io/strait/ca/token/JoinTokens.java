package io.strait.ca.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strait.ca.identity.SpiffeId;
import io.strait.ca.keys.CaKeys;
import io.strait.ca.keys.FastEc;
import io.strait.ca.keys.Pem;
import io.strait.model.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * Join tokens: compact JWS ({@code header.payload.signature}, base64url) signed with the CA's signing key — ES256 for
 * an ECDSA CA, RS256 for an RSA one. Verifying needs only the CA's certificate, which every replica of a CA holds, so
 * any replica verifies any other's tokens with no shared state. The payload names the identity ({@code sub}, plus
 * {@code ns} and {@code sa}), {@code iat}, {@code exp}, a unique {@code jti} and {@code root}, the fingerprint of the
 * root; the header's {@code kid} is the signing certificate's fingerprint.
 *
 * <p>Verification fails closed: the algorithm is the one the CA's key implies (never the header's choice), the
 * {@code kid} must be this CA's, the signature must verify, the root must be one this CA trusts, the token must not
 * have expired and the identity must be in this CA's trust domain.
 */
public final class JoinTokens {
    /** Default lifetime of a token: enough to start a workload, short enough that a leaked one soon dies. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** The longest token lifetime the CA issues. */
    public static final Duration MAX_TTL = Duration.ofDays(30);
    /** The largest text accepted as a token (a real one is well under 1 KB; RSA ones ~700 bytes). */
    public static final int MAX_TOKEN_CHARS = 4096;
    static final String TYPE = "strait-join+jwt";

    private final CaKeys keys;
    private final String trustDomain;
    private final Clock clock;
    private final String alg;
    private final String javaAlg;
    private final String kid;

    public JoinTokens(CaKeys keys, String trustDomain, Clock clock) {
        this.keys = keys;
        this.trustDomain = trustDomain;
        this.clock = clock;
        boolean ec = keys.signingKey().getAlgorithm().startsWith("EC");
        this.alg = ec ? "ES256" : "RS256";
        // JWS ES256 signs with the raw r||s form (RFC 7518 §3.4): BouncyCastle's "PLAIN-ECDSA" (the JDK's P1363 format),
        // on BouncyCastle because every certificate request verifies one (FastEc)
        this.javaAlg = ec ? "SHA256withPLAIN-ECDSA" : "SHA256withRSA";
        this.kid = Pem.fingerprint(keys.signingCert());
    }

    /** A token for {@code identity}, valid for {@code ttl} (at most {@link #MAX_TTL}). */
    public String issue(SpiffeId identity, Duration ttl) {
        if (!identity.trustDomain().equals(trustDomain)) {
            throw new IllegalArgumentException("identity " + identity + " is not in this CA's trust domain " + trustDomain);
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("token TTL must be positive and at most " + MAX_TTL.toDays() + " days, not " + ttl);
        }
        Instant now = clock.instant();
        ObjectNode header = Json.MAPPER.createObjectNode().put("alg", alg).put("typ", TYPE).put("kid", kid);
        ObjectNode payload = Json.MAPPER.createObjectNode()
                .put("iss", "strait-ca")
                .put("sub", identity.uri())
                .put("ns", identity.namespace())
                .put("sa", identity.serviceAccount())
                .put("iat", now.getEpochSecond())
                .put("exp", now.plus(ttl).getEpochSecond())
                .put("jti", UUID.randomUUID().toString())
                .put("root", keys.rootFingerprint());
        String signingInput = b64(Json.write(header)) + "." + b64(Json.write(payload));
        try {
            Signature s = signature();
            s.initSign(keys.signingKey());
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a join token: " + e.getMessage(), e);
        }
    }

    /** Checks a token and returns what it grants; every failure says why, without quoting the token. */
    public JoinToken verify(String token) throws TokenRejected {
        if (token == null || token.isBlank()) {
            throw new TokenRejected("no join token given");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new TokenRejected("the join token is " + token.length() + " characters; at most " + MAX_TOKEN_CHARS + " are accepted");
        }
        String[] parts = token.trim().split("\\.", -1);
        if (parts.length != 3) {
            throw new TokenRejected("the join token is malformed: expected three dot-separated parts, found " + parts.length);
        }
        JsonNode header = json(parts[0], "header");
        if (!alg.equals(header.path("alg").asText()) || !TYPE.equals(header.path("typ").asText())) {
            throw new TokenRejected("the join token's header (alg " + header.path("alg").asText() + ", typ " + header.path("typ").asText()
                    + ") is not a join token of this CA, which signs " + alg + " " + TYPE);
        }
        if (!kid.equals(header.path("kid").asText())) {
            throw new TokenRejected("the join token was signed by another CA (key id " + abbreviate(header.path("kid").asText())
                    + "; this CA's is " + abbreviate(kid) + ")");
        }
        try {
            Signature s = signature();
            s.initVerify(keys.signingCert().getPublicKey());
            s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!s.verify(decode(parts[2], "signature"))) {
                throw new TokenRejected("the join token's signature does not verify: it was tampered with or not issued by this CA");
            }
        } catch (GeneralSecurityException e) {
            throw new TokenRejected("the join token's signature does not verify: " + e.getMessage());
        }
        JoinToken claims = claims(json(parts[1], "payload"));
        if (!keys.trustedFingerprints().contains(claims.rootFingerprint())) {
            throw new TokenRejected("the join token was issued under root " + abbreviate(claims.rootFingerprint())
                    + ", which this CA no longer trusts");
        }
        if (!clock.instant().isBefore(claims.expiresAt())) {
            throw new TokenRejected("the join token (id " + claims.id() + ") expired at " + claims.expiresAt() + "; create a new one");
        }
        if (!claims.identity().trustDomain().equals(trustDomain)) {
            throw new TokenRejected("the join token names trust domain " + claims.identity().trustDomain() + ", not " + trustDomain);
        }
        return claims;
    }

    private Signature signature() throws GeneralSecurityException {
        java.security.Provider p = FastEc.providerFor(keys.signingKey());
        return p == null ? Signature.getInstance(javaAlg) : Signature.getInstance(javaAlg, p);
    }

    /**
     * Whether {@code token} presents itself as a join token (its header's {@code typ}), so that a CA that also reviews
     * Kubernetes tokens sends each to the authenticator that can check it — a join token never to an API server.
     * Says nothing about whether the token is valid.
     */
    public static boolean isJoinToken(String token) {
        return UnverifiedJwt.read(token).map(j -> TYPE.equals(j.type())).orElse(false);
    }

    /**
     * What a token claims, <em>without verifying it</em>: for a new workload, which must learn the root fingerprint
     * from its token before it can check the CA it talks to. A CA never trusts this.
     */
    public static JoinToken unverifiedClaims(String token) throws TokenRejected {
        String[] parts = token == null ? new String[0] : token.trim().split("\\.", -1);
        if (parts.length != 3) {
            throw new TokenRejected("the join token is malformed: expected three dot-separated parts");
        }
        return claims(json(parts[1], "payload"));
    }

    private static JoinToken claims(JsonNode p) throws TokenRejected {
        SpiffeId identity = SpiffeId.tryParse(p.path("sub").asText(null))
                .orElseThrow(() -> new TokenRejected("the join token names no valid workload identity"));
        if (!identity.namespace().equals(p.path("ns").asText()) || !identity.serviceAccount().equals(p.path("sa").asText())) {
            throw new TokenRejected("the join token's ns/sa disagree with its subject");
        }
        if (!p.path("exp").canConvertToLong() || !p.path("iat").isNumber() || p.path("jti").asText("").isEmpty()
                || !p.path("root").asText("").startsWith("sha256:")) {
            throw new TokenRejected("the join token lacks one of exp, iat, jti, root");
        }
        return new JoinToken(identity, Instant.ofEpochSecond(p.path("iat").asLong()), Instant.ofEpochSecond(p.path("exp").asLong()),
                p.path("jti").asText(), p.path("root").asText());
    }

    private static JsonNode json(String part, String what) throws TokenRejected {
        try {
            JsonNode n = Json.MAPPER.readTree(decode(part, what));
            if (n == null || !n.isObject()) {
                throw new TokenRejected("the join token's " + what + " is not a JSON object");
            }
            return n;
        } catch (java.io.IOException e) {
            throw new TokenRejected("the join token's " + what + " is not valid JSON");
        }
    }

    private static byte[] decode(String part, String what) throws TokenRejected {
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw new TokenRejected("the join token's " + what + " is not base64url");
        }
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String abbreviate(String fingerprint) {
        return fingerprint.length() > 23 ? fingerprint.substring(0, 23) + "…" : fingerprint;
    }
}
