package io.strait.xds;

import io.strait.bus.envelope.FrontLease;
import io.strait.bus.envelope.ProxyRegistration;
import io.strait.bus.envelope.ProxyStatus;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.topic.Topics;
import io.strait.model.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what a front learns about its proxies to the bus: registrations on {@code strait.proxies.v1}
 * (partitioned by scope, so one translator owns a whole scope), ACK / NACK state on
 * {@code strait.proxy-status.v1}, and the front's lease on {@code strait.fronts.v1}. Status updates are coalesced per proxy and flushed every few milliseconds, so
 * a burst of ACKs costs one record per proxy.
 *
 * <p>Nothing here runs a Kafka send on the caller's thread: a registration arrives on a discovery stream's request
 * (a gRPC thread), and with the bus down a producer send may block for {@code max.block.ms} waiting for metadata.
 * Every write is handed to the reporter's own thread instead, in order, where the producer buffers it and retries it
 * until the bus returns (its delivery timeout); a stream is served from memory meanwhile.
 */
final class ProxyReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyReporter.class);
    private static final long FLUSH_MS = 20;

    private final KafkaProducer<String, byte[]> producer;
    private final int proxyPartitions;
    private final Map<String, ProxyStatus> dirty = new HashMap<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strait-xds-status");
        t.setDaemon(true);
        return t;
    });

    private final String frontId;

    /**
     * @param frontId     the front whose lease this reporter renews
     * @param leaseMillis how long a renewal holds; renewed every third of it
     * @param connected   how many proxies the front serves (recorded with each renewal)
     */
    ProxyReporter(BusConfig bus, String frontId, long leaseMillis, java.util.function.IntSupplier connected) {
        this.producer = new KafkaProducer<>(bus.producer("xds", null));
        this.proxyPartitions = producer.partitionsFor(Topics.PROXIES).size();
        this.frontId = frontId;
        flusher.scheduleWithFixedDelay(this::flush, FLUSH_MS, FLUSH_MS, TimeUnit.MILLISECONDS);
        Runnable renew = () -> send(Topics.FRONTS, null, frontId,
                Json.write(new FrontLease(1, frontId, System.currentTimeMillis(), leaseMillis, connected.getAsInt())));
        renew.run(); // before the front serves anyone: its first registrations are covered
        long every = Math.max(100, leaseMillis / 3);
        flusher.scheduleAtFixedRate(renew, every, every, TimeUnit.MILLISECONDS);
    }

    /** The partition of a scope in {@code strait.proxies.v1}: every proxy of one scope lands in the same one. */
    static int partitionOf(String scope, int partitions) {
        return Utils.toPositive(Utils.murmur2(scope.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    void register(ProxyRegistration registration) {
        sendLater(Topics.PROXIES, partitionOf(registration.scope(), proxyPartitions), registration.proxyId(), Json.write(registration));
    }

    void unregister(String proxyId, String scope) {
        synchronized (dirty) {
            dirty.remove(proxyId);
        }
        sendLater(Topics.PROXIES, partitionOf(scope, proxyPartitions), proxyId, null);
        sendLater(Topics.PROXY_STATUS, null, proxyId, null);
    }

    void status(ProxyStatus status) {
        synchronized (dirty) {
            dirty.put(status.proxyId(), status);
        }
    }

    private void flush() {
        Map<String, ProxyStatus> batch;
        synchronized (dirty) {
            if (dirty.isEmpty()) {
                return;
            }
            batch = new HashMap<>(dirty);
            dirty.clear();
        }
        batch.forEach((id, s) -> send(Topics.PROXY_STATUS, null, id, Json.write(s)));
    }

    /**
     * A write on the reporter's thread, after the ones before it (so a registration precedes its proxy's status and
     * a tombstone follows both); on the caller's thread once the reporter is closing.
     */
    private void sendLater(String topic, Integer partition, String key, byte[] value) {
        try {
            flusher.execute(() -> send(topic, partition, key, value));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            send(topic, partition, key, value);
        }
    }

    private void send(String topic, Integer partition, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, partition, key, value), (meta, e) -> {
            if (e != null) {
                LOG.warn("could not write {} for proxy {}: {}", topic, key, e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        flusher.shutdown();
        try {
            flusher.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
        send(Topics.FRONTS, null, frontId, null); // a clean stop: the lease ends now (its proxies were unregistered)
        producer.close();
    }
}
