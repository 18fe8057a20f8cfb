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

    /** The metadata keys Strait reads as strings: another value type there is a broken client, not a default. */
    private static final java.util.List<String> STRING_KEYS = java.util.List.of("NAMESPACE", "SERVICE_ACCOUNT", "CLUSTER_ID",
            "GENERATOR", "NETWORK");

    /**
     * Why a node cannot be served, in one line for the client, or null when it can: checked before anything of the
     * node is read, so that a 10 KB or multi-line id is never echoed into a status, and a wrong value type in a key
     * Strait reads is an error rather than silently ignored.
     */
    public static String refusal(Node node, int maxIdChars) {
        String id = node.getId();
        if (id.isEmpty()) {
            return "the request's node has no id: send the node (id sidecar~<ip>~<pod>.<namespace>~<namespace>.svc.cluster.local)";
        }
        if (id.length() > maxIdChars) {
            return "node id is " + id.length() + " characters; a front accepts at most " + maxIdChars;
        }
        if (id.chars().anyMatch(Character::isISOControl)) {
            return "node id contains control characters";
        }
        Map<String, Value> fields = node.getMetadata().getFieldsMap();
        for (String key : STRING_KEYS) {
            Value v = fields.get(key);
            if (v != null && !v.hasStringValue()) {
                return "node metadata " + key + " must be a string, not " + kind(v);
            }
        }
        Value labels = fields.get("LABELS");
        if (labels != null) {
            if (!labels.hasStructValue()) {
                return "node metadata LABELS must be a struct of strings, not " + kind(labels);
            }
            for (Map.Entry<String, Value> e : labels.getStructValue().getFieldsMap().entrySet()) {
                if (!e.getValue().hasStringValue()) {
                    return "node metadata LABELS must be a struct of strings; label " + printable(e.getKey()) + " is "
                            + kind(e.getValue());
                }
            }
        }
        try {
            of(node);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static String kind(Value v) {
        return switch (v.getKindCase()) {
            case NULL_VALUE -> "null";
            case NUMBER_VALUE -> "a number";
            case STRING_VALUE -> "a string";
            case BOOL_VALUE -> "a boolean";
            case STRUCT_VALUE -> "a struct";
            case LIST_VALUE -> "a list";
            case KIND_NOT_SET -> "unset";
        };
    }

    /** A key for a message: short and on one line whatever the client sent. */
    private static String printable(String s) {
        String flat = s.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return "\"" + (flat.length() > 64 ? flat.substring(0, 64) + "…" : flat) + "\"";
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
