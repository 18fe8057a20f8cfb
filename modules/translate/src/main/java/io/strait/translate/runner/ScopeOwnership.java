package io.strait.translate.runner;

import io.strait.bus.envelope.ProxyRegistration;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.PollLoop;
import io.strait.bus.topic.Topics;
import io.strait.model.json.Json;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.model.proxy.ProxyType;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which scopes this translator computes. All translators form one consumer group on {@code strait.proxies.v1},
 * which is partitioned by scope, so Kafka's rebalancing hands each scope to exactly one live translator and
 * moves it when one dies or joins. On every assignment the partition is read from its start (the topic is
 * compacted: the latest registration per proxy is its state), so no offsets are ever committed.
 */
final class ScopeOwnership implements ConsumerRebalanceListener, AutoCloseable {
    static final String GROUP = "strait-translate";
    private static final Logger EVENTS = LoggerFactory.getLogger("strait.events");

    private final KafkaConsumer<String, byte[]> consumer;
    private final ScopeListener listener;
    private final Map<Integer, Map<String, ProxyRegistration>> proxiesByPartition = new HashMap<>();
    private final PollLoop loop;

    ScopeOwnership(BusConfig bus, ScopeListener listener) {
        this.listener = listener;
        this.consumer = new KafkaConsumer<>(bus.consumer("translate-proxies", GROUP));
        this.consumer.subscribe(List.of(Topics.PROXIES), this);
        this.loop = new PollLoop("translate-proxies", consumer, Duration.ofMillis(200), records -> {
            for (ConsumerRecord<String, byte[]> r : records) {
                try {
                    apply(r);
                } catch (RuntimeException e) {
                    io.strait.bus.kafka.PoisonRecords.skipped("translate", r, e);
                }
            }
        });
    }

    ScopeOwnership start() {
        loop.start();
        return this;
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        Map<String, ProxyRegistration> proxies = proxiesByPartition.computeIfAbsent(r.partition(), p -> new HashMap<>());
        if (r.value() == null) {
            ProxyRegistration gone = proxies.remove(r.key());
            if (gone != null && proxies.values().stream().noneMatch(p -> p.scope().equals(gone.scope()))) {
                listener.scopeDown(gone.scope());
            }
            return;
        }
        ProxyRegistration reg = Json.read(r.value(), ProxyRegistration.class);
        io.strait.bus.kafka.PoisonRecords.requireVersion(reg.v(), 1, "proxy registration " + r.key());
        if (reg.scope() == null || reg.proxyId() == null || reg.type() == null) {
            throw new IllegalArgumentException("proxy registration " + r.key() + " has no scope, proxy id or type");
        }
        identity(reg); // an unknown proxy type fails here, before the scope is taken up
        proxies.put(r.key(), reg);
        listener.scopeUp(reg.scope(), identity(reg));
    }

    static ProxyIdentity identity(ProxyRegistration reg) {
        return new ProxyIdentity(reg.proxyId(), ProxyType.valueOf(reg.type()), reg.ip(), null, reg.namespace(),
                reg.serviceAccount(), reg.clusterId(), reg.labels(), reg.locality(), reg.network());
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        EVENTS.info("this translator now owns scope partitions {}", partitions.stream().map(TopicPartition::partition).sorted().toList());
        partitions.forEach(p -> proxiesByPartition.put(p.partition(), new HashMap<>()));
        consumer.seekToBeginning(partitions);
        if (partitions.stream().anyMatch(p -> p.partition() == 0)) {
            listener.firstPartition(true);
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.stream().anyMatch(p -> p.partition() == 0)) {
            listener.firstPartition(false);
        }
        for (TopicPartition p : partitions) {
            Map<String, ProxyRegistration> gone = proxiesByPartition.remove(p.partition());
            if (gone != null) {
                gone.values().stream().map(ProxyRegistration::scope).distinct().forEach(listener::scopeDown);
            }
        }
    }

    @Override
    public void close() {
        loop.close();
    }
}
