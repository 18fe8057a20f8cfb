package io.strait.xds;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.strait.model.proxy.ProxyIdentity;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a {@link ProxyIdentity} from an Envoy {@link Node}: metadata flattened to strings, {@code LABELS} as a map,
 * the node's locality as {@code region/zone/subzone}.
 */
public final class NodeIdentities {
    private NodeIdentities() {
    }

    /** @throws IllegalArgumentException with a message for the user when the node is not in Istio's form */
    public static ProxyIdentity of(Node node) {
        Map<String, String> metadata = new HashMap<>();
        Map<String, String> labels = new HashMap<>();
        for (Map.Entry<String, Value> e : node.getMetadata().getFieldsMap().entrySet()) {
            Value v = e.getValue();
            if (e.getKey().equals("LABELS") && v.hasStructValue()) {
                labels.putAll(strings(v.getStructValue()));
            } else if (v.hasStringValue()) {
                metadata.put(e.getKey(), v.getStringValue());
            }
        }
        String locality = node.hasLocality() ? String.join("/", node.getLocality().getRegion(), node.getLocality().getZone(),
                node.getLocality().getSubZone()).replaceAll("/+$", "") : "";
        return ProxyIdentity.of(node.getId(), metadata, labels).withLocality(locality);
    }

    private static Map<String, String> strings(Struct struct) {
        Map<String, String> out = new HashMap<>();
        struct.getFieldsMap().forEach((k, v) -> {
            if (v.hasStringValue()) {
                out.put(k, v.getStringValue());
            }
        });
        return out;
    }
}
