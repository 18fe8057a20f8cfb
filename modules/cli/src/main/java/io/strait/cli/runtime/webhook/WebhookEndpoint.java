package io.strait.cli.runtime.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.strait.ingest.source.FetchTrigger;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /webhooks/git} on the admin port: a forge's push, verified by {@link WebhookCheck}, makes every
 * source that watches the pushed repository and branch fetch at once (bursts coalesced by {@link PushCoalescer}).
 *
 * <p>Answers: 202 with the sources triggered; 200 when no source watches the push, or for a ping; 401 when the
 * signature is missing or wrong (nothing triggered); 413 for a body over {@value #MAX_BODY} bytes, refused before it
 * is read whole; 400 for a body that is no push; 501 when no {@code --webhook-secret-file} is configured. Each
 * outcome is counted in {@code strait_webhook_deliveries_total{result}}. Neither the secret nor a signature is logged.
 */
public final class WebhookEndpoint {
    public static final String PATH = "/webhooks/git";
    /** 1 MiB: GitHub caps payloads at 25 MB, but a push that names a config repository's commits is far smaller. */
    public static final int MAX_BODY = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(WebhookEndpoint.class);

    private final byte[] secret;
    private final List<FetchTrigger> triggers;
    private final PushCoalescer coalescer;
    private final MeterRegistry metrics;

    /**
     * @param secret    the webhook secret, or null when none is configured (the endpoint then says how to enable it)
     * @param triggers  the sources a push can trigger
     * @param coalescer where triggers wait out a burst
     */
    public WebhookEndpoint(byte[] secret, List<FetchTrigger> triggers, PushCoalescer coalescer, MeterRegistry metrics) {
        this.secret = secret == null ? null : secret.clone();
        this.triggers = List.copyOf(triggers);
        this.coalescer = coalescer;
        this.metrics = metrics;
    }

    public void handle(HttpServerRequest req) {
        if (req.method() != HttpMethod.POST) {
            end(req, 405, "method", "use POST " + PATH + " with a forge's push payload");
            return;
        }
        if (secret == null) {
            end(req, 501, "disabled", "webhooks are off: start Strait with --webhook-secret-file FILE and give the forge the same secret");
            return;
        }
        String length = req.getHeader("content-length");
        if (length != null && parseLength(length) > MAX_BODY) {
            tooLarge(req);
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] done = {false};
        req.handler(chunk -> {
            if (done[0]) {
                return;
            }
            // a chunked body declares no length: stop as soon as it grows past the limit
            if (body.length() + chunk.length() > MAX_BODY) {
                done[0] = true;
                tooLarge(req);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.exceptionHandler(e -> LOG.debug("webhook request failed: {}", e.toString()));
        req.endHandler(v -> {
            if (!done[0]) {
                done[0] = true;
                decide(req, body.getBytes());
            }
        });
    }

    private void decide(HttpServerRequest req, byte[] body) {
        WebhookCheck.Outcome outcome = WebhookCheck.check(req::getHeader, body, secret);
        if (outcome instanceof WebhookCheck.Refused r) {
            LOG.warn("refused a webhook delivery from {}: {}", req.remoteAddress(), r.why());
            end(req, 401, "unauthorized", r.why());
        } else if (outcome instanceof WebhookCheck.Ignored i) {
            end(req, 200, "ignored", i.why());
        } else if (outcome instanceof WebhookCheck.Malformed m) {
            end(req, 400, "malformed", m.why());
        } else {
            trigger(req, (WebhookCheck.Push) outcome);
        }
    }

    private void trigger(HttpServerRequest req, WebhookCheck.Push push) {
        PushPayload payload = push.payload();
        List<String> triggered = new ArrayList<>();
        String reason = push.forge() + " push " + (payload.after() == null ? "" : abbreviate(payload.after()) + " ") + "to " + payload.describe();
        for (FetchTrigger t : triggers) {
            if (payload.repoUrls().stream().anyMatch(url -> t.matches(url, payload.ref()))) {
                coalescer.offer(t, reason);
                triggered.add(t.toString());
            }
        }
        if (triggered.isEmpty()) {
            end(req, 200, "unmatched", "no source watches " + payload.describe());
        } else {
            LOG.info("{}: fetching {}", reason, triggered);
            end(req, 202, "triggered", "fetch triggered for " + String.join(", ", triggered));
        }
    }

    private static String abbreviate(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    private void tooLarge(HttpServerRequest req) {
        // close the connection: the rest of the body is not worth reading
        req.response().putHeader("connection", "close");
        end(req, 413, "too_large", "payload over " + MAX_BODY + " bytes refused");
    }

    private static long parseLength(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void end(HttpServerRequest req, int code, String result, String message) {
        Counter.builder("strait_webhook_deliveries_total").description("Webhook deliveries on " + PATH + " by outcome")
                .tag("result", result).register(metrics).increment();
        if (!req.response().ended()) {
            req.response().setStatusCode(code).putHeader("content-type", "text/plain").end(message + "\n");
        }
    }
}
