package io.strait.bus.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strait.bus.kafka.PoisonRecords;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.Origin;
import io.strait.model.istio.ResourceBinder;
import io.strait.model.json.Json;
import io.strait.model.yaml.YamlReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What this Strait reads from the bus: an envelope a newer Strait wrote with fields this one does not know is read
 * (forward compatibility); an unknown envelope version, garbage or a truncated value is refused with a message that
 * says what it is, never read as something else.
 */
class EnvelopeCompatibilityTest {

    private static IstioResource resource() throws Exception {
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: payments, namespace: shop}
                spec:
                  host: payments
                """;
        return ResourceBinder.bind(YamlReader.read("f.yaml", yaml).get(0)).resource().orElseThrow();
    }

    @Test
    void aConfigRecordOrMarkerWithFieldsFromANewerStraitIsRead() throws Exception {
        IstioResource r = resource();
        ObjectNode node = (ObjectNode) Json.MAPPER.readTree(ConfigCodec.encode(r, new Origin("s", "r", "f.yaml", 1)));
        node.put("writtenBy", "strait 9.0");
        ((ObjectNode) node.get("origin")).put("commitUrl", "https://example.com/c/1");
        assertThat(ConfigCodec.decode(Json.write(node)).resource()).isEqualTo(r);

        ObjectNode marker = (ObjectNode) Json.MAPPER.readTree(ConfigCodec.encodeMarker(new RevisionMarker("s", "r1", 1, "h", 1, 5)));
        ((ObjectNode) marker.get("marker")).put("signature", "abc");
        assertThat(ConfigCodec.decodeMarker(Json.write(marker)).revision()).isEqualTo("r1");
    }

    @Test
    void busEnvelopesWithUnknownFieldsAreRead() {
        ScopeManifest m = new ScopeManifest(1, "scope-a", 3, Map.of("s", "r"), Map.of(), List.of(), Map.of(), 1, 1);
        ObjectNode node = Json.MAPPER.valueToTree(m);
        node.put("priority", 7);
        ScopeManifest back = Json.read(Json.write(node), ScopeManifest.class);
        assertThat(back.scope()).isEqualTo("scope-a");
        assertThat(back.generation()).isEqualTo(3);
    }

    @Test
    void anUnknownVersionGarbageOrATruncatedValueIsRefusedWithWhatItIs() throws Exception {
        ObjectNode node = (ObjectNode) Json.MAPPER.readTree(ConfigCodec.encode(resource(), new Origin("s", "r", "f.yaml", 1)));
        node.put("v", 2);
        assertThatThrownBy(() -> ConfigCodec.decode(Json.write(node))).hasMessageContaining("envelope version 2");
        assertThatThrownBy(() -> ConfigCodec.decode("\u0000\u00ffnot json".getBytes(StandardCharsets.ISO_8859_1)))
                .isInstanceOf(RuntimeException.class);
        byte[] whole = ConfigCodec.encode(resource(), new Origin("s", "r", "f.yaml", 1));
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length / 2);
        assertThatThrownBy(() -> ConfigCodec.decode(truncated)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> PoisonRecords.requireVersion(3, 1, "scope manifest a"))
                .hasMessageContaining("scope manifest a has envelope version 3").hasMessageContaining("reads version 1");
    }

    @Test
    void skippedRecordsAreCountedPerTopic() {
        long before = PoisonRecords.counts().getOrDefault("t.poison", 0L);
        var record = new org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>("t.poison", 2, 41L, "k", new byte[] {1});
        PoisonRecords.skipped("test", record, new IllegalArgumentException("unreadable\nsecond line"));
        PoisonRecords.skipped("test", "t.poison", "k2", new IllegalStateException());
        assertThat(PoisonRecords.counts()).containsEntry("t.poison", before + 2);
    }
}
