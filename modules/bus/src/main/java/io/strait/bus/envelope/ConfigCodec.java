package io.strait.bus.envelope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.Kind;
import io.strait.model.istio.ObjectMeta;
import io.strait.model.istio.Origin;
import io.strait.model.istio.ResourceBinder;
import io.strait.model.istio.Spec;
import io.strait.model.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Encodes the values of {@code strait.config.v1}: normalized resources with their origin, and revision markers. */
public final class ConfigCodec {
    static final int VERSION = 1;

    /** A resource as read back from the bus. */
    public record Entry(IstioResource resource, Origin origin) {
    }

    private ConfigCodec() {
    }

    public static boolean isMarkerKey(String key) {
        return key.startsWith(RevisionMarker.KEY_PREFIX);
    }

    public static byte[] encode(IstioResource resource, Origin origin) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("v", VERSION);
        node.put("apiVersion", resource.apiVersion());
        node.put("kind", resource.kind().kindName());
        node.set("metadata", Json.MAPPER.valueToTree(resource.metadata()));
        node.set("spec", Json.MAPPER.valueToTree(resource.spec()));
        node.set("origin", Json.MAPPER.valueToTree(origin));
        return Json.write(node);
    }

    public static Entry decode(byte[] value) {
        try {
            JsonNode node = Json.MAPPER.readTree(value);
            checkVersion(node);
            Kind kind = Kind.byName(node.path("kind").asText())
                    .orElseThrow(() -> new IllegalArgumentException("unknown kind on the bus: " + node.path("kind")));
            ObjectMeta meta = Json.MAPPER.treeToValue(node.get("metadata"), ObjectMeta.class);
            Spec spec = ResourceBinder.spec(kind, node.get("spec"));
            Origin origin = Json.MAPPER.treeToValue(node.get("origin"), Origin.class);
            return new Entry(new IstioResource(node.path("apiVersion").asText(), kind, meta, spec), origin);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable config record", e);
        }
    }

    public static byte[] encodeMarker(RevisionMarker marker) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("v", VERSION);
        node.set("marker", Json.MAPPER.valueToTree(marker));
        return Json.write(node);
    }

    public static RevisionMarker decodeMarker(byte[] value) {
        try {
            JsonNode node = Json.MAPPER.readTree(value);
            checkVersion(node);
            return Json.MAPPER.treeToValue(node.get("marker"), RevisionMarker.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("unreadable revision marker", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkVersion(JsonNode node) {
        int v = node.path("v").asInt(-1);
        if (v != VERSION) {
            throw new IllegalArgumentException("config record has envelope version " + v + "; this Strait reads " + VERSION);
        }
    }
}
