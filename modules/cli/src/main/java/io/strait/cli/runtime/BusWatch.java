package io.strait.cli.runtime;

import io.strait.bus.kafka.BusConfig;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the bus every {@code every} whether any broker answers (a cluster description, bounded by the same period)
 * and remembers since when none has — what {@code /readyz} reports ({@link BusReadiness}). Runs on its own daemon
 * thread, never on the admin server's event loop, so a dead bus never slows a probe.
 */
final class BusWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BusWatch.class);

    private final BusConfig bus;
    private final long everyMillis;
    private final Admin admin;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strait-bus-watch");
        t.setDaemon(true);
        return t;
    });
    /** System.nanoTime of the last probe the bus answered (start-up counts as one: the node just reached it). */
    private volatile long lastAnswered = System.nanoTime();
    private volatile boolean failing;

    BusWatch(BusConfig bus, java.time.Duration every) {
        this.bus = bus;
        this.everyMillis = every.toMillis();
        java.util.Map<String, Object> config = new java.util.HashMap<>(bus.admin());
        config.put("request.timeout.ms", (int) everyMillis);
        config.put("default.api.timeout.ms", (int) everyMillis);
        config.put("reconnect.backoff.max.ms", (int) everyMillis);
        this.admin = Admin.create(config);
    }

    BusWatch start() {
        thread.scheduleWithFixedDelay(this::probe, 0, everyMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    private void probe() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) everyMillis)).clusterId()
                    .get(everyMillis * 2, TimeUnit.MILLISECONDS);
            if (failing) {
                LOG.info("the bus answers again ({}) after {} s", bus.bootstrapServers(), unreachableMillis() / 1000);
            }
            lastAnswered = System.nanoTime();
            failing = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!failing) {
                LOG.warn("the bus is unreachable ({}): {}", bus.bootstrapServers(), e.getMessage());
            }
            failing = true;
        }
    }

    /** How long the bus has not answered, or -1 while it does. */
    long unreachableMillis() {
        return failing ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastAnswered) : -1;
    }

    /** The {@code /readyz} answer now. */
    BusReadiness readiness(boolean servesXds) {
        return BusReadiness.of(servesXds, unreachableMillis(), bus.bootstrapServers());
    }

    @Override
    public void close() {
        thread.shutdownNow();
        admin.close(java.time.Duration.ofSeconds(2));
    }
}
