package io.strait.bus.kafka;

import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a consumer's poll loop on its own thread (never an event loop) and hands every batch, empty ones
 * included, to a handler. A failing handler is logged and the loop goes on: one bad record must not stop a role.
 * After each poll it records the consumer's lag (records behind the end of its partitions, from the last fetch: no
 * extra request), which every running loop of the process exposes through {@link #lags()} for the metrics.
 */
public final class PollLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PollLoop.class);

    private final String name;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Consumer<ConsumerRecords<String, byte[]>> handler;
    private final Duration pollTimeout;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lag = -1;
    private static final java.util.Set<PollLoop> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public PollLoop(String name, KafkaConsumer<String, byte[]> consumer, Duration pollTimeout,
                    Consumer<ConsumerRecords<String, byte[]>> handler) {
        this.name = name;
        this.consumer = consumer;
        this.handler = handler;
        this.pollTimeout = pollTimeout;
        this.thread = new Thread(this::run, "strait-" + name);
        this.thread.setDaemon(true);
    }

    public PollLoop start() {
        RUNNING.add(this);
        thread.start();
        return this;
    }

    /** Per running loop of this process (by name), how many records its consumer is behind; -1 until known. */
    public static java.util.Map<String, Long> lags() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        RUNNING.forEach(l -> out.merge(l.name, l.lag, Long::sum));
        return out;
    }

    private void recordLag() {
        long sum = 0;
        boolean known = false;
        for (org.apache.kafka.common.TopicPartition p : consumer.assignment()) {
            java.util.OptionalLong behind = consumer.currentLag(p);
            if (behind.isPresent()) {
                sum += behind.getAsLong();
                known = true;
            }
        }
        if (known) {
            lag = sum;
        }
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                recordLag();
                try {
                    handler.accept(records);
                } catch (RuntimeException e) {
                    LOG.error("{}: failed to handle {} records; continuing", name, records.count(), e);
                }
            }
        } catch (WakeupException | InterruptException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            LOG.error("{}: poll loop stopped", name, e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() {
        RUNNING.remove(this);
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
