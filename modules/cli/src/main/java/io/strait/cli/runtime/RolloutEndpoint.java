package io.strait.cli.runtime;

import io.strait.bus.envelope.RolloutState;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.TopicSnapshot;
import io.strait.bus.topic.Topics;
import io.strait.cli.rollout.RolloutDecisions;
import io.strait.model.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /rollouts/resume?revision=PREFIX} and {@code POST /rollouts/abort?revision=PREFIX} on the admin port,
 * authenticated with the admin secret: moves a staged rollout on {@code strait.rollouts.v1} (the translators and the
 * controller follow that topic, so any node may take the request). 200 with the new state, 400 when the action does
 * not apply or the prefix matches none or several, 401 without the secret.
 */
final class RolloutEndpoint {
    static final String PREFIX = "/rollouts/";
    private static final Logger EVENTS = LoggerFactory.getLogger("strait.events");

    private final Vertx vertx;
    private final BusConfig bus;
    private final String secret;

    /** @param secret the admin secret; null refuses every request */
    RolloutEndpoint(Vertx vertx, BusConfig bus, String secret) {
        this.vertx = vertx;
        this.bus = bus;
        this.secret = secret;
    }

    void handle(HttpServerRequest req) {
        if (req.method() != HttpMethod.POST) {
            req.response().setStatusCode(405).end("use POST " + req.path() + "?revision=PREFIX\n");
            return;
        }
        if (!AdminSecret.authorizes(req.getHeader("authorization"), secret)) {
            req.response().setStatusCode(401).end("missing or wrong admin secret (Authorization: Bearer <contents of <data-dir>/admin-token>)\n");
            return;
        }
        String action = req.path().substring(PREFIX.length());
        String revision = req.getParam("revision");
        vertx.executeBlocking(() -> move(RolloutDecisions.Action.parse(action), revision))
                .onSuccess(state -> req.response().putHeader("content-type", "application/json")
                        .end(io.vertx.core.buffer.Buffer.buffer(Json.write(state))))
                .onFailure(e -> req.response().setStatusCode(e instanceof IllegalArgumentException ? 400 : 503)
                        .putHeader("content-type", "text/plain").end(e.getMessage() + "\n"));
    }

    private RolloutState move(RolloutDecisions.Action action, String prefix) throws Exception {
        List<RolloutState> states = new ArrayList<>();
        TopicSnapshot.read(bus, Topics.ROLLOUTS, Duration.ofSeconds(10)).forEach((key, value) -> {
            if (key.startsWith(RolloutState.KEY_PREFIX) && value != null) {
                states.add(Json.read(value, RolloutState.class));
            }
        });
        RolloutState next = RolloutDecisions.next(RolloutDecisions.find(states, prefix), action, "strait rollout", System.currentTimeMillis());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(bus.producer("rollout-command", null))) {
            producer.send(new ProducerRecord<>(Topics.ROLLOUTS, next.key(), Json.write(next))).get(30, TimeUnit.SECONDS);
        }
        EVENTS.info("revision {} of {} {}: {}", next.revision(), next.source(), next.phase(), next.reason());
        return next;
    }
}
