package io.strait.ingest.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Istio's check that an EnvoyFilter patch value is the Envoy object it patches ({@code validateEnvoyFilter}'s
 * {@code xds.BuildXDSObjectFromStruct}): read leniently (unknown fields ignored) it must parse, an Any whose
 * {@code @type} is not known being "referenced type unknown" (with the v3 hint for a v2 type); read strictly, an
 * unknown field is a warning, since a newer Envoy may know it. A value that parses is then looked at by
 * {@link EnvoyPatchNotices}.
 *
 * <p>Istio reads the value with Go's legacy jsonpb, and its error texts are jsonpb's. Java's JsonFormat words
 * errors otherwise and is laxer in places (a boolean where a string is expected, an unknown enum name when unknown
 * fields are ignored), so the value is first walked as jsonpb walks it — fields in declaration order, each Any
 * resolved, unknown fields after the known ones of their object — to find jsonpb's first error in its words;
 * JsonFormat then parses what the walk let through (numbers, durations, base64), its message kept.
 */
final class EnvoyPatchValues {
    /** Messages whose JSON is not an object of their fields; JsonFormat reads them. */
    private static final Set<String> OPAQUE = Set.of("google.protobuf.Duration", "google.protobuf.Timestamp",
            "google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue", "google.protobuf.FieldMask",
            "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
            "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
            "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue");
    private static final String ANY = "google.protobuf.Any";
    private static final String DURATION = "google.protobuf.Duration";
    private static final String UNRESOLVED = "could not resolve Any message type";
    /**
     * Packages of Istio's own filter configs (istio.io/api's envoy protos) that istiod links, so resolves; the api jar
     * has no such types. An Any of one is accepted unread, as its content cannot be checked here.
     */
    private static final List<String> ISTIO_PACKAGES = List.of("istio.envoy.config.filter.http.alpn.v2alpha1.",
            "istio.envoy.config.filter.http.jwt_auth.v2alpha1.", "istio.envoy.config.filter.network.tcp_cluster_rewrite.v2alpha1.",
            "stats.");
    /** What such an Any is read as: set, and of no frozen type. */
    static final String EMPTY_URL = "type.googleapis.com/google.protobuf.Empty";

    private final EnvoyTypes types;

    EnvoyPatchValues(EnvoyTypes types) {
        this.types = types;
    }

    /** Checks the value of a patch at {@code path} ({@code spec.configPatches[i].patch.value}); reports, never throws. */
    void check(Report report, String path, String applyTo, JsonNode value) {
        Descriptor type = types.objectType(applyTo);
        if (type == null) {
            report.error(path, "Envoy filter: unknown object type for applyTo " + applyTo);
            return;
        }
        JsonNode copy = value.deepCopy(); // the walk rewrites Go durations into JsonFormat's form
        String lenient = new Walk(false).message(copy, type);
        if (lenient != null) {
            report.error(path, istioError("Envoy filter: " + lenient));
            return;
        }
        DynamicMessage object;
        try {
            DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
            JsonFormat.parser().usingTypeRegistry(types.registry()).ignoringUnknownFields().merge(copy.toString(), builder);
            object = builder.build();
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            report.error(path, "Envoy filter: " + e.getMessage());
            return;
        }
        String strict = new Walk(true).message(copy, type);
        if (strict != null) {
            report.warning(path, "Envoy filter: " + strict);
        }
        EnvoyPatchNotices.report(report, path, object, types);
    }

    /** Istio's wording for an unresolvable Any, with its hint for a v2 type. */
    private static String istioError(String error) {
        if (!error.contains(UNRESOLVED)) {
            return error;
        }
        return error.contains(".v2.")
                ? "referenced type unknown (hint: try using the v3 XDS API): " + error
                : "referenced type unknown: " + error;
    }

    /** One walk of a value as jsonpb reads it; strict reports unknown fields. Each method returns jsonpb's first error or null. */
    private final class Walk {
        private final boolean strict;

        Walk(boolean strict) {
            this.strict = strict;
        }

        String message(JsonNode node, Descriptor type) {
            if (node == null || node.isNull() || OPAQUE.contains(type.getFullName())) {
                return null;
            }
            if (type.getFullName().equals(ANY)) {
                return any(node);
            }
            if (!node.isObject()) {
                return cannotUnmarshal(node, "map[string]json.RawMessage");
            }
            Set<String> unknown = new LinkedHashSet<>();
            node.fieldNames().forEachRemaining(unknown::add);
            for (FieldDescriptor field : type.getFields()) {
                JsonNode raw = null;
                // jsonpb takes the proto name, then the JSON name over it
                if (unknown.remove(field.getName())) {
                    raw = node.get(field.getName());
                }
                if (unknown.remove(field.getJsonName())) {
                    raw = node.get(field.getJsonName());
                }
                if (raw == null || raw.isNull()) {
                    continue;
                }
                String key = node.has(field.getJsonName()) ? field.getJsonName() : field.getName();
                String error = field(field, raw, v -> ((ObjectNode) node).set(key, v));
                if (error != null) {
                    return error;
                }
            }
            if (strict) {
                for (String name : unknown) {
                    if (!(name.startsWith("[") && name.endsWith("]"))) { // extensions: none in Envoy's API
                        return "unknown field " + Report.q(name) + " in " + type.getFullName();
                    }
                }
            }
            return null;
        }

        private String field(FieldDescriptor field, JsonNode raw, Consumer<JsonNode> replace) {
            if (field.isMapField()) {
                if (!raw.isObject()) {
                    return cannotUnmarshal(raw, "map[string]json.RawMessage");
                }
                FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
                for (Iterator<Map.Entry<String, JsonNode>> it = raw.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    String error = singular(valueField, entry.getValue(), v -> ((ObjectNode) raw).set(entry.getKey(), v));
                    if (error != null) {
                        return error;
                    }
                }
                return null;
            }
            if (field.isRepeated()) {
                if (!raw.isArray()) {
                    return cannotUnmarshal(raw, "[]json.RawMessage");
                }
                for (int i = 0; i < raw.size(); i++) {
                    int index = i;
                    String error = singular(field, raw.get(i), v -> ((ArrayNode) raw).set(index, v));
                    if (error != null) {
                        return error;
                    }
                }
                return null;
            }
            return singular(field, raw, replace);
        }

        private String singular(FieldDescriptor field, JsonNode raw, Consumer<JsonNode> replace) {
            if (raw == null || raw.isNull()) {
                return null;
            }
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && field.getMessageType().getFullName().equals(DURATION)) {
                return duration(raw, replace);
            }
            return switch (field.getJavaType()) {
                case BOOLEAN -> raw.isBoolean() ? null : cannotUnmarshal(raw, "bool");
                case STRING -> raw.isTextual() ? null : cannotUnmarshal(raw, "string");
                case ENUM -> raw.isTextual() && field.getEnumType().findValueByName(raw.asText()) == null
                        ? "unknown value " + Report.q(raw.toString()) + " for enum " + field.getEnumType().getFullName()
                        : null;
                case MESSAGE -> message(raw, field.getMessageType());
                default -> null; // numbers and bytes: JsonFormat's parse
            };
        }

        /** jsonpb's Duration: a JSON string that Go's time.ParseDuration reads. */
        private String duration(JsonNode raw, Consumer<JsonNode> replace) {
            if (!raw.isTextual()) {
                return cannotUnmarshal(raw, "string");
            }
            try {
                replace.accept(TextNode.valueOf(GoDurations.toSeconds(raw.asText())));
                return null;
            } catch (IllegalArgumentException e) {
                return "bad Duration: " + e.getMessage();
            }
        }

        private String any(JsonNode node) {
            if (!node.isObject()) {
                return cannotUnmarshal(node, "map[string]json.RawMessage");
            }
            JsonNode rawUrl = node.get("@type");
            if (rawUrl == null) {
                return "Any JSON doesn't have '@type'";
            }
            if (!rawUrl.isTextual()) {
                return "can't unmarshal Any's '@type': " + Report.q(rawUrl.toString());
            }
            String url = rawUrl.asText();
            Descriptor content = types.byTypeUrl(url);
            if (content == null) {
                String name = url.substring(url.lastIndexOf('/') + 1);
                if (ISTIO_PACKAGES.stream().anyMatch(name::startsWith)) {
                    ((ObjectNode) node).removeAll().put("@type", EMPTY_URL);
                    return null;
                }
                return UNRESOLVED + ": " + url;
            }
            String error;
            if (OPAQUE.contains(content.getFullName()) || content.getFullName().equals(ANY)) {
                if (!node.has("value")) {
                    return "Any JSON doesn't have 'value'";
                }
                error = content.getFullName().equals(DURATION)
                        ? duration(node.get("value"), v -> ((ObjectNode) node).set("value", v))
                        : message(node.get("value"), content);
            } else {
                // jsonpb reads the object less its @type; the walk writes its rewrites back into the node
                ObjectNode fields = ((ObjectNode) node).deepCopy();
                fields.remove("@type");
                error = message(fields, content);
                fields.fields().forEachRemaining(e -> ((ObjectNode) node).set(e.getKey(), e.getValue()));
            }
            return error == null ? null : "can't unmarshal Any nested proto " + url + ": " + error;
        }
    }

    /** Go's encoding/json type error. */
    private static String cannotUnmarshal(JsonNode node, String goType) {
        String kind = node.isObject() ? "object" : node.isArray() ? "array" : node.isTextual() ? "string"
                : node.isBoolean() ? "bool" : node.isNumber() ? "number" : "value";
        return "json: cannot unmarshal " + kind + " into Go value of type " + goType;
    }
}
