package io.strait.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.kafka.PoisonRecords;
import io.strait.bus.topic.Topics;
import io.strait.model.json.Json;
import io.strait.bus.wire.ContentHash;
import io.strait.bus.wire.ResourceCodec;
import io.strait.bus.wire.XdsType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A batch of the xDS topics with poison in it — garbage, an unknown envelope version, a truncated resource — is
 * applied without the poison: the good manifest in the same batch is served, the bad records are counted per topic.
 */
class FrontRecordsTest {
    private static final String GOOD = "shop.sidecar.000000000001";
    private static final String OTHER = "shop.sidecar.000000000002";

    @Test
    void poisonIsSkippedAndTheRestOfTheBatchIsServed() {
        List<ScopeManifest> served = new ArrayList<>();
        ScopeSnapshots snapshots = new ScopeSnapshots(v -> { },
                com.google.common.util.concurrent.MoreExecutors.newDirectExecutorService(), v -> served.add(v.manifest()));
        snapshots.goLive();
        Map<String, Long> before = PoisonRecords.counts();

        Cluster cluster = Cluster.newBuilder().setName("outbound|80||a.shop.svc.cluster.local").setType(Cluster.DiscoveryType.EDS).build();
        byte[] bytes = ContentHash.serialize(cluster);
        String hash = ContentHash.of(bytes);
        byte[] encoded = ResourceCodec.encode(bytes);
        Cluster other = cluster.toBuilder().setName("outbound|81||b.shop.svc.cluster.local").build();
        byte[] otherBytes = ContentHash.serialize(other);
        ScopeManifest good = new ScopeManifest(1, GOOD, 5, Map.of("s", "r"),
                Map.of(XdsType.CDS.typeUrl(), List.of(new ScopeManifest.NamedHash(cluster.getName(), hash))), List.of(), Map.of(), 1, 1);
        ScopeManifest newer = new ScopeManifest(2, OTHER, 5, Map.of("s", "r"), Map.of(), List.of(), Map.of(), 1, 1);

        List<ConsumerRecord<String, byte[]>> resources = List.of(
                record(Topics.XDS_RESOURCES, 0, "garbage", "\u0001not a protobuf".getBytes(StandardCharsets.ISO_8859_1)),
                // the bytes of another cluster cut short, under that cluster's hash: refused by the hash check
                record(Topics.XDS_RESOURCES, 1, ContentHash.of(otherBytes),
                        ResourceCodec.encode(Arrays.copyOf(otherBytes, otherBytes.length - 3))),
                record(Topics.XDS_RESOURCES, 2, hash, encoded));
        List<ConsumerRecord<String, byte[]>> endpoints = List.of(
                record(Topics.XDS_ENDPOINTS, 0, "outbound|80||a", "{\"v\":1,\"cluster\":".getBytes(StandardCharsets.UTF_8)));
        List<ConsumerRecord<String, byte[]>> scopes = List.of(
                record(Topics.XDS_SCOPES, 0, OTHER, Json.write(newer)),
                record(Topics.XDS_SCOPES, 1, GOOD, "garbage".getBytes(StandardCharsets.UTF_8)),
                record(Topics.XDS_SCOPES, 2, GOOD, Json.write(good)));
        FrontRecords.apply("test-front", new ConsumerRecords<>(Map.of(
                new TopicPartition(Topics.XDS_RESOURCES, 0), resources,
                new TopicPartition(Topics.XDS_ENDPOINTS, 0), endpoints,
                new TopicPartition(Topics.XDS_SCOPES, 0), scopes), Map.of()), snapshots);

        assertThat(served).extracting(ScopeManifest::scope).containsExactly(GOOD);
        Map<String, Long> after = PoisonRecords.counts();
        assertThat(after.get(Topics.XDS_RESOURCES) - before.getOrDefault(Topics.XDS_RESOURCES, 0L)).isEqualTo(2);
        assertThat(after.get(Topics.XDS_ENDPOINTS) - before.getOrDefault(Topics.XDS_ENDPOINTS, 0L)).isEqualTo(1);
        assertThat(after.get(Topics.XDS_SCOPES) - before.getOrDefault(Topics.XDS_SCOPES, 0L)).isEqualTo(2);
    }

    private static ConsumerRecord<String, byte[]> record(String topic, long offset, String key, byte[] value) {
        return new ConsumerRecord<>(topic, 0, offset, key, value);
    }
}
