package io.strait.bus.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * How every role talks to Kafka: one place for the client settings that the design depends on
 * (acks=all and idempotence, read_committed, low linger for sub-second propagation).
 *
 * @param bootstrapServers      the cluster
 * @param clientPrefix          prefix of client ids, so a broker's logs tell roles apart
 * @param groupSessionTimeoutMs how soon a consumer group (the translators) notices a member that died; the broker's
 *                              {@code group.min.session.timeout.ms} (6 s by default) bounds it from below
 */
public record BusConfig(String bootstrapServers, String clientPrefix, int groupSessionTimeoutMs) {
    /** Kafka's default minimum session timeout, which any cluster accepts. */
    public static final int DEFAULT_GROUP_SESSION_TIMEOUT_MS = 6000;

    public BusConfig(String bootstrapServers, String clientPrefix) {
        this(bootstrapServers, clientPrefix, DEFAULT_GROUP_SESSION_TIMEOUT_MS);
    }

    public Map<String, Object> admin() {
        Map<String, Object> m = new HashMap<>();
        m.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        m.put(AdminClientConfig.CLIENT_ID_CONFIG, clientPrefix + "-admin-" + shortId());
        return m;
    }

    /** An idempotent producer; pass a transactional id for producers that write revisions or manifests. */
    public Map<String, Object> producer(String role, String transactionalId) {
        Map<String, Object> m = new HashMap<>();
        m.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        m.put(ProducerConfig.CLIENT_ID_CONFIG, clientPrefix + "-" + role + "-" + shortId());
        m.put(ProducerConfig.ACKS_CONFIG, "all");
        m.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        m.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        m.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        m.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        m.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        m.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        if (transactionalId != null) {
            m.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return m;
    }

    /**
     * A read_committed consumer. With a group id Kafka assigns partitions; without, the caller assigns them
     * and nothing is committed (roles rebuild state from compacted topics, so they keep no offsets).
     */
    public Map<String, Object> consumer(String role, String groupId) {
        Map<String, Object> m = new HashMap<>();
        m.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        m.put(ConsumerConfig.CLIENT_ID_CONFIG, clientPrefix + "-" + role + "-" + shortId());
        m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        m.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        m.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        m.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        m.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        if (groupId != null) {
            m.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            // a translator that dies must lose its scopes quickly; heartbeats keep live ones
            m.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, groupSessionTimeoutMs);
            m.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(250, groupSessionTimeoutMs / 4));
        }
        return m;
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
