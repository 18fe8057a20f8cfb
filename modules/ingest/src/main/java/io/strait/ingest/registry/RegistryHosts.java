package io.strait.ingest.registry;

import io.strait.bus.envelope.ClusterService;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.topic.Topics;
import io.strait.ingest.analyze.AnalysisInput;
import io.strait.model.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hosts the clusters' registries publish, as validation needs them: follows {@code strait.endpoints.v1} (whoever
 * writes it — this process's Kubernetes sources or another's) and keeps, per hostname, its namespace and the port
 * numbers of every cluster that has it. A route to such a host is a route to a real service. Read on one thread of
 * its own; {@link #get} hands out the latest view at any moment.
 */
public final class RegistryHosts implements Supplier<Collection<AnalysisInput.ClusterHost>>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryHosts.class);

    private final BusConfig bus;
    /** Record key to what validation needs of it: only the follower thread writes. */
    private final Map<String, AnalysisInput.ClusterHost> byKey = new HashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile List<AnalysisInput.ClusterHost> view = List.of();
    private volatile boolean running = true;
    private KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public RegistryHosts(BusConfig bus) {
        this.bus = bus;
    }

    /**
     * Starts following the topic and waits — at most {@code wait} — until it has read what the topic held at start,
     * so that the first revision after a restart is not validated against an empty registry.
     */
    public RegistryHosts start(Duration wait) {
        consumer = new KafkaConsumer<>(bus.consumer("registry-hosts", null));
        thread = new Thread(this::follow, "strait-registry-hosts");
        thread.setDaemon(true);
        thread.start();
        try {
            if (!caughtUp.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} not read to its end within {} s; validating with what was read so far", Topics.ENDPOINTS, wait.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return this;
    }

    @Override
    public Collection<AnalysisInput.ClusterHost> get() {
        return view;
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(Topics.ENDPOINTS, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(Topics.ENDPOINTS, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            while (running) {
                boolean changed = false;
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    changed |= apply(r.key(), r.value());
                }
                if (changed) {
                    view = aggregate(byKey.values());
                }
                if (caughtUp.getCount() > 0 && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.warn("following {} stopped: {}; routes to cluster services are checked against what was read", Topics.ENDPOINTS,
                    e.getMessage());
        } finally {
            caughtUp.countDown();
            consumer.close();
        }
    }

    private boolean apply(String key, byte[] value) {
        if (key == null) {
            return false;
        }
        if (value == null) {
            return byKey.remove(key) != null;
        }
        try {
            ClusterService s = Json.read(value, ClusterService.class);
            List<Integer> ports = s.ports().stream().map(ClusterService.Port::number).toList();
            byKey.put(key, new AnalysisInput.ClusterHost(s.hostname(), s.namespace(), ports));
            return true;
        } catch (RuntimeException e) {
            LOG.debug("unreadable record {} on {}: {}", key, Topics.ENDPOINTS, e.getMessage());
            return false;
        }
    }

    /** One host per hostname (the aggregate registry): ports of all clusters together. */
    static List<AnalysisInput.ClusterHost> aggregate(Collection<AnalysisInput.ClusterHost> records) {
        Map<String, TreeSet<Integer>> ports = new TreeMap<>();
        Map<String, String> namespaces = new HashMap<>();
        for (AnalysisInput.ClusterHost h : records) {
            ports.computeIfAbsent(h.host(), k -> new TreeSet<>()).addAll(h.ports());
            namespaces.putIfAbsent(h.host(), h.namespace());
        }
        List<AnalysisInput.ClusterHost> out = new ArrayList<>();
        ports.forEach((host, p) -> out.add(new AnalysisInput.ClusterHost(host, namespaces.get(host), List.copyOf(p))));
        return List.copyOf(out);
    }

    @Override
    public void close() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
