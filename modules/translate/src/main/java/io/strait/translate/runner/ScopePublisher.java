package io.strait.translate.runner;

import io.strait.bus.envelope.EndpointAssignment;
import io.strait.bus.envelope.ScopeCoverage;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.topic.Topics;
import io.strait.model.json.Json;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Writes new resources, changed endpoint assignments (by cluster name), the manifests that name them and the translator's coverage record in one transaction,
 * resources first: a manifest is never visible before the resources it names are written (make-before-break;
 * fronts also hold a manifest until they hold every resource it names), nor the coverage before the manifests.
 */
final class ScopePublisher implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;

    ScopePublisher(BusConfig bus) {
        this.producer = new KafkaProducer<>(bus.producer("translate", "strait-translate-" + UUID.randomUUID()));
        try {
            this.producer.initTransactions();
        } catch (KafkaException e) {
            producer.close(java.time.Duration.ZERO); // the bus is away: the retry makes another, do not leak this one
            throw e;
        }
    }

    /**
     * @param resources content hash to encoded resource, only those not yet on the bus
     * @param assignments endpoint assignments served by name whose content changed
     * @param manifests the manifests that changed
     * @param coverage  which revision every owned scope is served from, written last
     */
    void publish(Map<String, byte[]> resources, java.util.Collection<EndpointAssignment> assignments,
                 List<ScopeManifest> manifests, ScopeCoverage coverage) {
        producer.beginTransaction();
        try {
            resources.forEach((hash, value) -> producer.send(new ProducerRecord<>(Topics.XDS_RESOURCES, hash, value)));
            assignments.forEach(a -> producer.send(new ProducerRecord<>(Topics.XDS_ENDPOINTS, a.cluster(), Json.write(a))));
            manifests.forEach(m -> producer.send(new ProducerRecord<>(Topics.XDS_SCOPES, m.scope(), Json.write(m))));
            producer.send(new ProducerRecord<>(Topics.XDS_COVERAGE, coverage.translator(), Json.write(coverage)));
            producer.commitTransaction();
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // the producer is unusable; the caller's next attempt fails loudly too
            }
            throw e;
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
