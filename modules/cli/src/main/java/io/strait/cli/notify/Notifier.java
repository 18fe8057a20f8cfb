package io.strait.cli.notify;

import io.strait.bus.kafka.BusConfig;
import io.strait.cli.status.MeshStatus;
import io.strait.cli.status.StatusReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier role: reads the mesh status from the bus every {@code interval}, turns what changed into revision
 * events ({@link EventDetector}) and sends each to every target. Sending never blocks the roles or the next read:
 * each target has its own chain of asynchronous requests, so its events arrive in order (pending before success on a
 * forge), and a failed one is retried {@value #ATTEMPTS} times with doubling backoff, then dropped with a warning.
 */
public final class Notifier implements AutoCloseable {
    static final int ATTEMPTS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private final Supplier<MeshStatus> statuses;
    private final List<NotifyTarget> targets;
    private final EventDetector detector;
    private final Duration interval;
    private final Duration backoff;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<CompletableFuture<Void>> tails = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strait-notifier");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param statuses where the mesh status is read (the bus, on the notifier's own thread)
     * @param since    epoch millis: revisions decided earlier are not announced
     * @param backoff  the first retry's delay
     */
    public Notifier(Supplier<MeshStatus> statuses, List<NotifyTarget> targets, long since, Duration interval, Duration backoff) {
        this.statuses = statuses;
        this.targets = List.copyOf(targets);
        this.detector = new EventDetector(since);
        this.interval = interval;
        this.backoff = backoff;
        this.targets.forEach(t -> tails.add(CompletableFuture.completedFuture(null)));
    }

    /** A notifier of {@code options}' targets reading {@code bus}, announcing revisions decided from {@code since} on. */
    public static Notifier of(BusConfig bus, NotifyOptions options, long since) {
        List<NotifyTarget> targets = new ArrayList<>();
        options.urls().forEach(u -> targets.add(new SignedWebhook(u, options.secret())));
        if (options.githubToken() != null) {
            targets.add(new GitHubStatus(options.githubApi(), options.githubToken()));
        }
        return new Notifier(() -> StatusReader.read(bus, Duration.ofSeconds(10)), targets, since, Duration.ofSeconds(1), Duration.ofMillis(250));
    }

    public Notifier start() {
        timer.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("notifying {} of revision events", targets.stream().map(NotifyTarget::name).toList());
        return this;
    }

    private void poll() {
        try {
            for (RevisionEvent e : detector.next(statuses.get(), System.currentTimeMillis())) {
                for (int i = 0; i < targets.size(); i++) {
                    NotifyTarget target = targets.get(i);
                    Optional<HttpRequest> req = target.request(e);
                    if (req.isPresent()) {
                        String what = e.event() + " of " + e.source() + " " + e.revision();
                        tails.set(i, tails.get(i).thenCompose(v -> send(target, req.get(), what, 1)));
                    }
                }
            }
        } catch (RuntimeException e) {
            // the bus may be briefly unreachable; the next read catches up, and nothing is lost: events are state-derived
            LOG.debug("notifier read failed: {}", e.toString());
        }
    }

    private CompletableFuture<Void> send(NotifyTarget target, HttpRequest req, String what, int attempt) {
        return http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).handle((res, error) -> {
            int code = res == null ? -1 : res.statusCode();
            if (error == null && code / 100 == 2) {
                LOG.debug("sent {} to {}", what, target.name());
                return CompletableFuture.<Void>completedFuture(null);
            }
            String why = error != null ? error.toString() : "HTTP " + code;
            // a 4xx other than 408/429 will not change on a retry (a wrong token, a repository that is not there)
            boolean retry = attempt < ATTEMPTS && (error != null || code >= 500 || code == 408 || code == 429);
            if (!retry) {
                LOG.warn("could not send {} to {}: {} (after {} attempts)", what, target.name(), why, attempt);
                return CompletableFuture.<Void>completedFuture(null);
            }
            long delay = backoff.toMillis() << (attempt - 1);
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS))
                    .thenCompose(v -> send(target, req, what, attempt + 1));
        }).thenCompose(f -> f);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
