package io.strait.cli.runtime;

import io.strait.bus.kafka.BusConfig;
import io.strait.cli.status.MeshStatus;
import io.strait.cli.status.RevisionReports;
import io.strait.cli.status.StatusReader;
import io.strait.model.json.Json;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin port of a Strait process: {@code /healthz}, {@code /readyz}, {@code /metrics} (Prometheus) and
 * {@code /status} (the mesh status as JSON, read from the bus on a worker thread — never on the event loop),
 * {@code /revisions[/<id>]} (status per revision, {@link RevisionReports}), {@code POST /webhooks/git}, the CA's
 * token endpoint and the config endpoints {@code POST /apply}, {@code POST /delete}, {@code GET /config}
 * ({@link ConfigEndpoint}).
 */
final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final Vertx vertx;
    private final BusConfig bus;
    private final int port;
    private final IntSupplier connectedProxies;
    private final PrometheusMeterRegistry metrics;
    private final io.micrometer.core.instrument.MultiGauge lag;

    /** Consumer lag of every poll loop running in this process, read at scrape time (loops come and go with roles). */
    private void refreshLag() {
        List<io.micrometer.core.instrument.MultiGauge.Row<?>> rows = new java.util.ArrayList<>();
        io.strait.bus.kafka.PollLoop.lags().forEach((loop, behind) -> {
            if (behind >= 0) {
                rows.add(io.micrometer.core.instrument.MultiGauge.Row.of(io.micrometer.core.instrument.Tags.of("loop", loop), behind));
            }
        });
        lag.register(rows, true);
    }

    /**
     * {@code strait_bus_poison_records_total{topic}}: records this process's readers skipped as unreadable, per topic
     * (a counter per topic seen so far, read from the process-wide tally at scrape time).
     */
    private void registerPoisonCounters() {
        io.strait.bus.kafka.PoisonRecords.counts().keySet().forEach(topic -> io.micrometer.core.instrument.FunctionCounter
                .builder("strait_bus_poison_records", topic,
                        t -> io.strait.bus.kafka.PoisonRecords.counts().getOrDefault(t, 0L))
                .tag("topic", topic)
                .description("Records skipped because they could not be read (garbage, unknown envelope version, truncated)")
                .register(metrics));
    }
    private HttpServer server;

    /** Issues join tokens for {@code strait token create}; null when this node runs no CA. */
    private final TokenEndpoint tokens;

    /** {@code POST /webhooks/git}: pushes that make sources fetch now. */
    private final io.strait.cli.runtime.webhook.WebhookEndpoint webhooks;
    private final io.strait.cli.runtime.webhook.PushCoalescer coalescer =
            new io.strait.cli.runtime.webhook.PushCoalescer(Duration.ofMillis(100));

    /**
     * @param webhookSecret the {@code --webhook-secret-file} contents, or null when webhooks are off
     * @param triggers      the sources a webhook push can make fetch (the git sources of this process)
     */
    /** {@code POST /apply}, {@code POST /delete}, {@code GET /config}. */
    private final ConfigEndpoint config;

    /** An admin server whose config endpoints refuse every request (no admin secret to check against). */
    AdminServer(Vertx vertx, BusConfig bus, int port, IntSupplier connectedProxies, PrometheusMeterRegistry metrics, TokenEndpoint tokens,
                byte[] webhookSecret, List<io.strait.ingest.source.FetchTrigger> triggers) {
        this(vertx, bus, port, connectedProxies, metrics, tokens, webhookSecret, triggers, new ConfigEndpoint(vertx, bus, null, () -> null));
    }

    /**
     * @param webhookSecret the {@code --webhook-secret-file} contents, or null when webhooks are off
     * @param triggers      the sources a webhook push can make fetch (the git sources of this process)
     * @param config        the config endpoints
     */
    AdminServer(Vertx vertx, BusConfig bus, int port, IntSupplier connectedProxies, PrometheusMeterRegistry metrics, TokenEndpoint tokens,
                byte[] webhookSecret, List<io.strait.ingest.source.FetchTrigger> triggers, ConfigEndpoint config) {
        this.tokens = tokens;
        this.config = config;
        this.webhooks = new io.strait.cli.runtime.webhook.WebhookEndpoint(webhookSecret, triggers, coalescer, metrics);
        this.metrics = metrics;
        this.lag = io.micrometer.core.instrument.MultiGauge.builder("strait_consumer_lag")
                .description("Records a role's Kafka consumer is behind the end of its partitions, per poll loop")
                .register(metrics);
        this.vertx = vertx;
        this.bus = bus;
        this.port = port;
        this.connectedProxies = connectedProxies;
    }

    /** The address the port listens on: loopback unless {@code --admin-bind} says otherwise. */
    private String host = "127.0.0.1";

    /** Listen on {@code address} instead of loopback; call before {@link #start}. See {@link AdminExposure}. */
    AdminServer listenOn(String address) {
        this.host = address;
        return this;
    }

    /** Watches the bus for {@code /readyz}; null until {@link #watchBus} (then /readyz is a plain ok). */
    private BusWatch busWatch;
    private boolean servesXds;

    /**
     * Makes {@code /readyz} say whether the bus answers, probed every {@code every}; {@code servesXds}: this process
     * runs a front, which stays ready on its last config ({@link BusReadiness}). Call before {@link #start}.
     */
    AdminServer watchBus(boolean servesXds, Duration every) {
        this.servesXds = servesXds;
        this.busWatch = new BusWatch(bus, every).start();
        return this;
    }

    void start() throws Exception {
        server = vertx.createHttpServer().requestHandler(this::handle).listen(port, host).await(30, TimeUnit.SECONDS);
    }

    private static boolean isLoopback(HttpServerRequest req) {
        io.vertx.core.net.SocketAddress remote = req.connection().remoteAddress();
        return remote != null && AdminExposure.isLoopback(remote.hostAddress());
    }

    int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest req) {
        if (!AdminExposure.allows(req.path(), isLoopback(req))) {
            req.response().setStatusCode(403).putHeader("content-type", "text/plain").end(AdminExposure.refusal(req.path()));
            return;
        }
        switch (req.path()) {
            case "/healthz" -> req.response().putHeader("content-type", "text/plain").end("ok\n");
            case "/readyz" -> {
                BusReadiness ready = busWatch == null ? BusReadiness.of(servesXds, -1, bus.bootstrapServers()) : busWatch.readiness(servesXds);
                req.response().setStatusCode(ready.code()).putHeader("content-type", "text/plain").end(ready.body());
            }
            case "/status" -> {
                if (answeredBusDown(req)) {
                    return;
                }
                vertx.executeBlocking(() -> Json.write(StatusReader.read(bus, Duration.ofSeconds(10))))
                    .onSuccess(body -> req.response().putHeader("content-type", "application/json").end(io.vertx.core.buffer.Buffer.buffer(body)))
                    .onFailure(e -> {
                        LOG.warn("status read failed", e);
                        req.response().setStatusCode(503).end("status unavailable: " + e.getMessage() + "\n");
                    });
            }
            case "/metrics" -> {
                refreshLag();
                registerPoisonCounters();
                req.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
            }
            case "/debug/heap" -> vertx.executeBlocking(() -> {
                // a full collection first, so the figure is live data, not garbage (a debug view, used by the load harness)
                System.gc();
                return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            }).onSuccess(used -> req.response().putHeader("content-type", "text/plain").end(used + "\n"));
            case TokenEndpoint.PATH -> {
                if (tokens == null) {
                    req.response().setStatusCode(404).end("this node runs no CA; start it with the ca role\n");
                } else {
                    tokens.handle(req);
                }
            }
            case io.strait.cli.runtime.webhook.WebhookEndpoint.PATH -> webhooks.handle(req);
            case ConfigEndpoint.APPLY, ConfigEndpoint.DELETE, ConfigEndpoint.CONFIG -> config.handle(req);
            case "/debug/proxies" -> req.response().putHeader("content-type", "text/plain")
                    .end("connected proxies on this front: " + connectedProxies.getAsInt() + "\n");
            default -> {
                if (req.path().startsWith(RolloutEndpoint.PREFIX)) {
                    config.rollouts().handle(req);
                } else if (req.path().equals("/revisions") || req.path().startsWith("/revisions/")) {
                    revisions(req, req.path().length() > "/revisions/".length() ? req.path().substring("/revisions/".length()) : null);
                } else {
                    req.response().setStatusCode(404).end("not found; try /healthz, /readyz, /status, /revisions/<id>, /metrics\n");
                }
            }
        }
    }

    /**
     * {@code GET /revisions}: every remembered revision; {@code GET /revisions/<id or prefix>}: one, as an entry of
     * {@code strait status --revisions -o json} (404 unknown, 409 ambiguous with the candidates).
     */
    private void revisions(HttpServerRequest req, String prefix) {
        if (answeredBusDown(req)) {
            return;
        }
        vertx.executeBlocking(() -> {
            MeshStatus status = StatusReader.read(bus, Duration.ofSeconds(10));
            if (prefix == null) {
                return new Answer(200, Json.write(RevisionReports.all(status)));
            }
            RevisionReports.Lookup found = RevisionReports.find(status, java.net.URLDecoder.decode(prefix, java.nio.charset.StandardCharsets.UTF_8), null);
            if (found instanceof RevisionReports.Found f) {
                return new Answer(200, Json.write(f.report()));
            }
            if (found instanceof RevisionReports.Ambiguous a) {
                return new Answer(409, Json.write(java.util.Map.of("error", a.message(), "candidates", a.candidates())));
            }
            return new Answer(404, Json.write(java.util.Map.of("error", ((RevisionReports.Unknown) found).message())));
        }).onSuccess(a -> req.response().setStatusCode(a.code()).putHeader("content-type", "application/json")
                .end(io.vertx.core.buffer.Buffer.buffer(a.body())))
                .onFailure(e -> {
                    LOG.warn("revision read failed", e);
                    req.response().setStatusCode(503).end("status unavailable: " + e.getMessage() + "\n");
                });
    }

    /**
     * Answers 503 at once, with the reason on one line, when the bus is known to be down: a read of it would only
     * time out. True when it did.
     */
    private boolean answeredBusDown(HttpServerRequest req) {
        long down = busWatch == null ? -1 : busWatch.unreachableMillis();
        if (down < 0) {
            return false;
        }
        req.response().setStatusCode(503).putHeader("content-type", "text/plain")
                .end("status unavailable: bus unreachable for " + down / 1000 + " s: " + bus.bootstrapServers() + "\n");
        return true;
    }

    private record Answer(int code, byte[] body) {
    }

    @Override
    public void close() {
        coalescer.close();
        if (busWatch != null) {
            busWatch.close();
        }
        if (server != null) {
            try {
                server.close().await(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("admin close", e);
            }
        }
    }
}
