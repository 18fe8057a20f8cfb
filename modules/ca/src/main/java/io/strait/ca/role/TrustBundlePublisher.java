package io.strait.ca.role;

import io.strait.bus.envelope.TrustBundle;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.topic.Topics;
import io.strait.ca.keys.CaKeys;
import io.strait.ca.keys.Pem;
import io.strait.model.json.Json;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes the trust bundle to {@code strait.trust.v1} (key: the trust domain): every root the CA trusts, as PEM. Only
 * certificates are written; the envelope has no field that could carry a key.
 */
public final class TrustBundlePublisher implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String trustDomain;
    private final String replicaId;

    public TrustBundlePublisher(BusConfig bus, String trustDomain, String replicaId) {
        this.producer = new KafkaProducer<>(bus.producer("ca", null));
        this.trustDomain = trustDomain;
        this.replicaId = replicaId;
    }

    /** Publishes the roots of {@code keys} and waits for the broker's acknowledgement. */
    public void publish(CaKeys keys) throws Exception {
        producer.send(new ProducerRecord<>(Topics.TRUST, trustDomain, Json.write(bundle(keys, trustDomain, replicaId))))
                .get(30, TimeUnit.SECONDS);
    }

    /** The envelope for {@code keys}' roots. */
    public static TrustBundle bundle(CaKeys keys, String trustDomain, String replicaId) {
        List<String> roots = keys.roots().stream().map(Pem::of).toList();
        return new TrustBundle(TrustBundle.VERSION, trustDomain, roots, replicaId, System.currentTimeMillis());
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
