package io.strait.cli.runtime.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pure core of {@code POST /webhooks/git}: is this delivery authentic, and what does it say? Nothing here does
 * I/O, so every case is a unit test.
 *
 * <ul>
 *   <li>GitHub ({@code X-GitHub-Event}): {@code X-Hub-Signature-256: sha256=<hex>}, HMAC-SHA256 of the body. The
 *       SHA-1 {@code X-Hub-Signature} alone is refused: SHA-1 is no longer a safe MAC to accept.</li>
 *   <li>GitLab ({@code X-Gitlab-Event}): {@code X-Gitlab-Token} equal to the secret.</li>
 *   <li>Any other sender: {@code X-Strait-Signature: sha256=<hex>}, HMAC-SHA256 of the body.</li>
 * </ul>
 * Every comparison is constant-time; the secret never appears in an outcome.
 */
public final class WebhookCheck {
    public static final String GITHUB_SIGNATURE = "X-Hub-Signature-256";
    public static final String GITLAB_TOKEN = "X-Gitlab-Token";
    public static final String STRAIT_SIGNATURE = "X-Strait-Signature";

    private WebhookCheck() {
    }

    /** What a delivery amounts to. */
    public sealed interface Outcome {
    }

    /** Not authentic: answer 401 and trigger nothing. */
    public record Refused(String why) implements Outcome {
    }

    /** Authentic, but not a push (a ping, another event): answer 200 and trigger nothing. */
    public record Ignored(String why) implements Outcome {
    }

    /** Authentic, but its body is not a push payload: answer 400. */
    public record Malformed(String why) implements Outcome {
    }

    /** An authentic push. */
    public record Push(String forge, PushPayload payload) implements Outcome {
    }

    /**
     * @param header a request header by name (case-insensitive), null when absent
     * @param body   the raw body, exactly as received: signatures are over these bytes
     * @param secret the configured webhook secret
     */
    public static Outcome check(Function<String, String> header, byte[] body, byte[] secret) {
        String githubEvent = header.apply("X-GitHub-Event");
        String gitlabEvent = header.apply("X-Gitlab-Event");
        if (githubEvent != null) {
            String sig = header.apply(GITHUB_SIGNATURE);
            if (sig == null) {
                return new Refused(header.apply("X-Hub-Signature") != null
                        ? "only " + GITHUB_SIGNATURE + " (HMAC-SHA256) is accepted, not the SHA-1 X-Hub-Signature; set a secret on the GitHub webhook"
                        : "missing " + GITHUB_SIGNATURE + "; set the webhook's secret on GitHub to the contents of --webhook-secret-file");
            }
            if (!hmacMatches(sig, body, secret)) {
                return new Refused(GITHUB_SIGNATURE + " does not match the body signed with the configured secret");
            }
            if (githubEvent.equals("ping")) {
                return new Ignored("pong: GitHub ping received; pushes to watched branches will trigger a fetch");
            }
            if (!githubEvent.equals("push")) {
                return new Ignored("GitHub event \"" + githubEvent + "\" ignored; only push triggers a fetch");
            }
            return parsed("github", body);
        }
        if (gitlabEvent != null || header.apply(GITLAB_TOKEN) != null) {
            String token = header.apply(GITLAB_TOKEN);
            if (token == null) {
                return new Refused("missing " + GITLAB_TOKEN + "; set the webhook's secret token on GitLab to the contents of --webhook-secret-file");
            }
            if (!sameSecret(token.getBytes(StandardCharsets.UTF_8), secret)) {
                return new Refused(GITLAB_TOKEN + " is not the configured secret");
            }
            if (!"Push Hook".equals(gitlabEvent)) {
                return new Ignored("GitLab event \"" + gitlabEvent + "\" ignored; only Push Hook triggers a fetch");
            }
            return parsed("gitlab", body);
        }
        String sig = header.apply(STRAIT_SIGNATURE);
        if (sig == null) {
            return new Refused("unsigned: send " + GITHUB_SIGNATURE + " (GitHub), " + GITLAB_TOKEN + " (GitLab) or "
                    + STRAIT_SIGNATURE + ": sha256=<hex HMAC-SHA256 of the body>");
        }
        if (!hmacMatches(sig, body, secret)) {
            return new Refused(STRAIT_SIGNATURE + " does not match the body signed with the configured secret");
        }
        return parsed("generic", body);
    }

    private static Outcome parsed(String forge, byte[] body) {
        try {
            return new Push(forge, PushPayload.parse(body));
        } catch (IllegalArgumentException e) {
            return new Malformed(e.getMessage());
        }
    }

    /** {@code sha256=<hex>} of the body with {@code secret}, the form all HMAC headers here use. */
    public static String sign(byte[] body, byte[] secret) {
        return "sha256=" + HexFormat.of().formatHex(hmac(body, secret));
    }

    static byte[] hmac(byte[] body, byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    private static boolean hmacMatches(String header, byte[] body, byte[] secret) {
        String value = header.trim();
        if (!value.regionMatches(true, 0, "sha256=", 0, 7)) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(value.substring(7).toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(given, hmac(body, secret));
    }

    /** Constant-time, and independent of the lengths too: the digests compared are always 32 bytes. */
    private static boolean sameSecret(byte[] given, byte[] secret) {
        byte[] key = "strait-webhook-token".getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(hmac(given, key), hmac(secret, key));
    }
}
