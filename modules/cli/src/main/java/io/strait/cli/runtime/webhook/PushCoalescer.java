package io.strait.cli.runtime.webhook;

import io.strait.ingest.source.FetchTrigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a burst of pushes for one source into one fetch: the first push of a burst schedules {@code fetchNow} one
 * window later, and pushes that arrive before it fires join it. One fetch after the burst sees every commit of it,
 * so fetching once per push would only repeat work (and a forge that retries deliveries would multiply it).
 */
public final class PushCoalescer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PushCoalescer.class);

    private final Duration window;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strait-webhook-fetch");
        t.setDaemon(true);
        return t;
    });
    private final Map<FetchTrigger, List<String>> pending = new IdentityHashMap<>();

    /** @param window how long after the first push of a burst its fetch starts */
    public PushCoalescer(Duration window) {
        this.window = window;
    }

    /** Asks {@code trigger} to fetch once the current burst is over; {@code reason} goes into its log line. */
    public void offer(FetchTrigger trigger, String reason) {
        synchronized (pending) {
            List<String> reasons = pending.get(trigger);
            if (reasons != null) {
                reasons.add(reason);
                return;
            }
            reasons = new ArrayList<>();
            reasons.add(reason);
            pending.put(trigger, reasons);
        }
        timer.schedule(() -> fire(trigger), window.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void fire(FetchTrigger trigger) {
        List<String> reasons;
        synchronized (pending) {
            reasons = pending.remove(trigger);
        }
        if (reasons == null) {
            return;
        }
        String reason = reasons.get(reasons.size() - 1) + (reasons.size() > 1 ? " (and " + (reasons.size() - 1) + " earlier pushes)" : "");
        try {
            trigger.fetchNow(reason);
        } catch (RuntimeException e) {
            // one source's failure must not stop the timer thread that serves every other source
            LOG.warn("asking a source to fetch after {} failed: {}", reason, e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
