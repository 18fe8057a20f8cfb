package io.strait.cli.notify;

import io.strait.cli.runtime.webhook.WebhookCheck;
import io.strait.model.json.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * A {@code --notify-url} receiver: every event as JSON, {@code X-Strait-Signature: sha256=<HMAC-SHA256 of the body>}
 * with the {@code --notify-secret-file} key (the same form {@code POST /webhooks/git} accepts), and
 * {@code X-Strait-Event: <event>}.
 */
public final class SignedWebhook implements NotifyTarget {
    private final URI url;
    private final byte[] secret;

    public SignedWebhook(URI url, byte[] secret) {
        this.url = url;
        this.secret = secret.clone();
    }

    @Override
    public Optional<HttpRequest> request(RevisionEvent event) {
        byte[] body = Json.write(event);
        return Optional.of(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json")
                .header("user-agent", "strait-notifier")
                .header("X-Strait-Event", event.event())
                .header(WebhookCheck.STRAIT_SIGNATURE, WebhookCheck.sign(body, secret))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    @Override
    public String name() {
        return NotifyTarget.redacted(url);
    }
}
