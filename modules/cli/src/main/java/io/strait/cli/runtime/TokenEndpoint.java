package io.strait.cli.runtime;

import io.strait.ca.identity.SpiffeId;
import io.strait.ca.role.CaRole;
import io.strait.ca.token.JoinTokens;
import io.strait.model.istio.Durations;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /ca/token?namespace=NS&serviceAccount=SA&ttl=1h} on the admin port: a join token from this node's CA,
 * for {@code strait token create}. The request must carry {@code Authorization: Bearer <admin secret>}
 * ({@link AdminSecret}); the port listens on loopback only. The token is the response body and is never logged —
 * only its id is.
 */
public final class TokenEndpoint {
    public static final String PATH = "/ca/token";
    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);

    private final CaRole ca;
    private final String secret;

    TokenEndpoint(CaRole ca, String secret) {
        this.ca = ca;
        this.secret = secret;
    }

    /** A TTL such as {@code 1h}, {@code 30m} or {@code 90s}. */
    public static Duration parseTtl(String text) {
        long nanos = Durations.nanos(text.trim());
        if (nanos <= 0) {
            throw new IllegalArgumentException("token TTL \"" + text + "\" is not a positive duration such as 1h, 30m or 90s");
        }
        return Duration.ofNanos(nanos);
    }

    void handle(HttpServerRequest req) {
        if (req.method() != HttpMethod.POST) {
            req.response().setStatusCode(405).end("use POST " + PATH + "?namespace=NS&serviceAccount=SA[&ttl=1h]\n");
            return;
        }
        String auth = req.getHeader("authorization");
        if (!AdminSecret.authorizes(auth, secret)) {
            req.response().setStatusCode(401).end("missing or wrong admin secret (Authorization: Bearer <contents of <data-dir>/admin-token>)\n");
            return;
        }
        try {
            SpiffeId id = new SpiffeId(ca.trustDomain(), req.getParam("namespace"), req.getParam("serviceAccount"));
            String ttlText = req.getParam("ttl");
            Duration ttl = ttlText == null ? JoinTokens.DEFAULT_TTL : parseTtl(ttlText);
            // an ECDSA signature takes tens of microseconds: cheap enough for the event loop
            String token = ca.issueToken(id, ttl);
            LOG.info("issued join token {} for {} (ttl {})", JoinTokens.unverifiedClaims(token).id(), id, ttl);
            req.response().putHeader("content-type", "text/plain").end(token + "\n");
        } catch (Exception e) {
            req.response().setStatusCode(400).end((e.getMessage() == null ? e.toString() : e.getMessage()) + "\n");
        }
    }
}
