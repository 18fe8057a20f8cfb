package io.strait.model.schema;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.model.yaml.YamlDocument;
import io.strait.model.yaml.YamlReader;
import io.strait.model.yaml.YamlSyntaxError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The structural schema of every Istio kind Strait reads, loaded once from {@code strait/istio-schema.yaml}.
 * {@link #check} validates a spec the way the Kubernetes API server validates a CRD: every violation with its
 * path, nothing thrown, whatever the input.
 */
public final class IstioSchema {
    private static final Set<String> SCALARS = Set.of("string", "bool", "int32", "uint32", "int64", "uint64", "double", "duration", "port");
    private static final Pattern DURATION = Pattern.compile("^([0-9]+(\\.[0-9]+)?(h|m|s|ms|us|µs|ns))+$");
    private static final int MAX_ERRORS = 50;
    // after the constants above, which loading uses
    private static final IstioSchema INSTANCE = load();

    /** A kind: API group, the versions served, the name of its spec type. */
    public record KindInfo(String kind, String group, List<String> versions, String specType) {
    }

    /** The type of a MeshConfig document, from {@code strait/mesh-config-schema.yaml}. */
    public static final String MESH_CONFIG = "mesh.MeshConfig";

    private final Map<String, KindInfo> kinds;
    private final Map<String, Map<String, FieldType.Field>> types;
    private final Map<String, Set<String>> removed;

    private IstioSchema(Map<String, KindInfo> kinds, Map<String, Map<String, FieldType.Field>> types,
                        Map<String, Set<String>> removed) {
        this.kinds = kinds;
        this.types = types;
        this.removed = removed;
    }

    public static IstioSchema get() {
        return INSTANCE;
    }

    public Optional<KindInfo> kind(String kind) {
        return Optional.ofNullable(kinds.get(kind));
    }

    public Iterable<KindInfo> kinds() {
        return kinds.values();
    }

    /** All violations of {@code spec} against the spec type of {@code kind} (at most 50), paths rooted at "spec". */
    public List<SchemaError> check(KindInfo kind, JsonNode spec) {
        List<SchemaError> errors = new ArrayList<>();
        checkObject(kind.specType(), spec, "spec", errors);
        return errors.size() > MAX_ERRORS ? errors.subList(0, MAX_ERRORS) : errors;
    }

    /**
     * All violations of {@code node} against the schema type {@code typeName} (at most 50), paths rooted at
     * {@code path} ("" for a document that is the object itself, as a MeshConfig is).
     */
    public List<SchemaError> check(String typeName, JsonNode node, String path) {
        if (!types.containsKey(typeName)) {
            throw new IllegalArgumentException("no schema type " + typeName);
        }
        List<SchemaError> errors = new ArrayList<>();
        checkObject(typeName, node, path, errors);
        return errors.size() > MAX_ERRORS ? errors.subList(0, MAX_ERRORS) : errors;
    }

    /** Fields the type once had and Istio has removed (reserved in its proto): accepted, with no effect. */
    public Set<String> removedFields(String typeName) {
        return removed.getOrDefault(typeName, Set.of());
    }

    private void checkObject(String typeName, JsonNode node, String path, List<SchemaError> errors) {
        if (!node.isObject()) {
            errors.add(typeError(path, "object", node));
            return;
        }
        Map<String, FieldType.Field> fields = types.get(typeName);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext() && errors.size() <= MAX_ERRORS; ) {
            Map.Entry<String, JsonNode> e = it.next();
            String childPath = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            FieldType.Field field = fields.get(e.getKey());
            if (field == null) {
                errors.add(new SchemaError(childPath, "unknown field \"" + e.getKey() + "\""));
            } else {
                checkField(field, e.getValue(), childPath, errors);
            }
        }
        fields.forEach((name, field) -> {
            if (field.required() && isAbsent(node.get(name))) {
                errors.add(new SchemaError(path.isEmpty() ? name : path + "." + name, "Required value"));
            }
        });
    }

    private static boolean isAbsent(JsonNode n) {
        return n == null || n.isNull() || (n.isTextual() && n.asText().isEmpty()) || (n.isContainerNode() && n.isEmpty());
    }

    private void checkField(FieldType.Field field, JsonNode node, String path, List<SchemaError> errors) {
        FieldType type = field.type();
        if (type instanceof FieldType.Any) {
            return;
        }
        if (type instanceof FieldType.Ref ref) {
            checkObject(ref.typeName(), node, path, errors);
        } else if (type instanceof FieldType.ListOf list) {
            if (!node.isArray()) {
                errors.add(typeError(path, "array", node));
                return;
            }
            for (int i = 0; i < node.size(); i++) {
                checkField(list.element(), node.get(i), path + "[" + i + "]", errors);
            }
        } else if (type instanceof FieldType.MapOf map) {
            if (!node.isObject()) {
                errors.add(typeError(path, "object", node));
                return;
            }
            if (field.minProperties() > 0 && node.size() < field.minProperties()) {
                errors.add(new SchemaError(path, "should have at least " + field.minProperties() + " properties"));
            }
            node.fields().forEachRemaining(e -> checkField(map.value(), e.getValue(), path + "." + e.getKey(), errors));
        } else if (type instanceof FieldType.Enum en) {
            if (!node.isTextual()) {
                errors.add(typeError(path, "string", node));
            } else if (!en.values().contains(node.asText())) {
                errors.add(new SchemaError(path, "Unsupported value: \"" + node.asText() + "\": supported values: \""
                        + String.join("\", \"", en.values()) + "\""));
            }
        } else {
            checkScalar(((FieldType.Scalar) type).name(), field, node, path, errors);
        }
    }

    private static void checkScalar(String scalar, FieldType.Field field, JsonNode node, String path, List<SchemaError> errors) {
        switch (scalar) {
            case "string", "duration" -> {
                if (!node.isTextual()) {
                    errors.add(typeError(path, "string", node));
                    return;
                }
                String v = node.asText();
                if (field.minLength() > 0 && v.length() < field.minLength()) {
                    errors.add(new SchemaError(path, "should be at least " + field.minLength() + " chars long"));
                }
                if (field.pattern() != null && !v.isEmpty() && !field.pattern().matcher(v).find()) {
                    errors.add(new SchemaError(path, "should match '" + field.pattern() + "'"));
                }
                if (scalar.equals("duration") && !DURATION.matcher(v).matches()) {
                    errors.add(new SchemaError(path, "Invalid value: \"" + v + "\": "
                            + (field.message() != null ? field.message() : "must be a valid duration") + ", such as 10s, 500ms or 1h30m"));
                }
            }
            case "bool" -> {
                if (!node.isBoolean()) {
                    errors.add(typeError(path, "boolean", node));
                }
            }
            case "double" -> {
                if (!node.isNumber()) {
                    errors.add(typeError(path, "number", node));
                    return;
                }
                range(field, node.asDouble(), path, "number", errors);
            }
            case "port" -> {
                if (!node.isIntegralNumber()) {
                    errors.add(typeError(path, "integer", node));
                } else if (node.asLong() < 1 || node.asLong() > 65535) {
                    errors.add(new SchemaError(path, "Invalid value: " + node.asText() + ": port must be between 1-65535"));
                }
            }
            default -> {
                if (!node.isIntegralNumber()) {
                    errors.add(typeError(path, "integer", node));
                    return;
                }
                double v = node.asDouble();
                if (scalar.startsWith("u") && v < 0) {
                    errors.add(new SchemaError(path, "should be greater than or equal to 0"));
                } else if (scalar.endsWith("32") && (v > (scalar.startsWith("u") ? 4294967295.0 : Integer.MAX_VALUE) || v < Integer.MIN_VALUE)) {
                    errors.add(new SchemaError(path, "Invalid value: " + node.asText() + ": out of range for " + scalar));
                } else {
                    range(field, v, path, "integer", errors);
                }
            }
        }
    }

    private static void range(FieldType.Field field, double v, String path, String typeName, List<SchemaError> errors) {
        boolean low = field.min() != null && v < field.min();
        boolean high = field.max() != null && v > field.max();
        if ((low || high) && field.message() != null) {
            errors.add(new SchemaError(path, "Invalid value: \"" + typeName + "\": " + field.message()));
        } else if (low) {
            errors.add(new SchemaError(path, "should be greater than or equal to " + format(field.min())));
        } else if (high) {
            errors.add(new SchemaError(path, "should be less than or equal to " + format(field.max())));
        }
    }

    private static String format(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    private static SchemaError typeError(String path, String expected, JsonNode actual) {
        String got = actual.isNull() ? "null" : actual.isTextual() ? "string" : actual.isBoolean() ? "boolean"
                : actual.isIntegralNumber() ? "integer" : actual.isNumber() ? "number" : actual.isArray() ? "array" : "object";
        return new SchemaError(path, "must be of type " + expected + ": \"" + got + "\"");
    }

    // ------------------------------------------------------------------ loading

    private static IstioSchema load() {
        YamlDocument doc = read("strait/istio-schema.yaml");
        YamlDocument mesh = read("strait/mesh-config-schema.yaml");
        Map<String, KindInfo> kinds = new LinkedHashMap<>();
        doc.tree().get("kinds").fields().forEachRemaining(e -> {
            List<String> versions = new ArrayList<>();
            e.getValue().get("versions").forEach(v -> versions.add(v.asText()));
            kinds.put(e.getKey(), new KindInfo(e.getKey(), e.getValue().get("group").asText(), List.copyOf(versions),
                    e.getValue().get("spec").asText()));
        });
        Map<String, Map<String, FieldType.Field>> types = new LinkedHashMap<>();
        for (YamlDocument d : List.of(doc, mesh)) {
            d.tree().get("types").fields().forEachRemaining(t -> {
                Map<String, FieldType.Field> fields = new LinkedHashMap<>();
                t.getValue().fields().forEachRemaining(f -> fields.put(f.getKey(), field(f.getValue())));
                if (types.put(t.getKey(), fields) != null) {
                    throw new IllegalStateException(d.file() + ": type " + t.getKey() + " is defined twice");
                }
            });
        }
        Map<String, Set<String>> removed = new LinkedHashMap<>();
        mesh.tree().path("removed").fields().forEachRemaining(t -> {
            Set<String> names = new java.util.LinkedHashSet<>();
            t.getValue().forEach(n -> names.add(n.asText()));
            removed.put(t.getKey(), Set.copyOf(names));
        });
        IstioSchema schema = new IstioSchema(kinds, types, removed);
        schema.verifyReferences();
        return schema;
    }

    private static YamlDocument read(String resource) {
        try (InputStream in = IstioSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the build");
            }
            return YamlReader.read(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8)).get(0);
        } catch (IOException | YamlSyntaxError e) {
            throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }

    private static FieldType.Field field(JsonNode spec) {
        if (spec.isTextual()) {
            String s = spec.asText().trim();
            boolean required = s.endsWith("!");
            return FieldType.Field.of(type(required ? s.substring(0, s.length() - 1) : s), required);
        }
        if (spec.isArray()) { // [ {type: …} ] : a list whose elements carry constraints
            return FieldType.Field.of(new FieldType.ListOf(field(spec.get(0))), false);
        }
        if (spec.isObject() && spec.has("type")) {
            return new FieldType.Field(type(spec.get("type").asText()), spec.path("required").asBoolean(false),
                    spec.path("minLength").asInt(-1),
                    spec.has("pattern") ? Pattern.compile(spec.get("pattern").asText()) : null,
                    spec.has("min") ? spec.get("min").asDouble() : null,
                    spec.has("max") ? spec.get("max").asDouble() : null,
                    spec.path("minProperties").asInt(-1),
                    spec.has("message") ? spec.get("message").asText() : null);
        }
        if (spec.isObject() && spec.size() == 1) { // {T} written as a YAML flow mapping with one key and no value
            return FieldType.Field.of(new FieldType.MapOf(FieldType.Field.of(type(spec.fieldNames().next()), false)), false);
        }
        throw new IllegalStateException("cannot read schema field " + spec);
    }

    private static FieldType type(String s) {
        if (s.startsWith("[") && s.endsWith("]")) {
            return new FieldType.ListOf(FieldType.Field.of(type(s.substring(1, s.length() - 1)), false));
        }
        if (s.startsWith("{") && s.endsWith("}")) {
            return new FieldType.MapOf(FieldType.Field.of(type(s.substring(1, s.length() - 1)), false));
        }
        if (s.startsWith("enum(") && s.endsWith(")")) {
            return new FieldType.Enum(Arrays.asList(s.substring(5, s.length() - 1).split("\\|")));
        }
        if (s.equals("any")) {
            return new FieldType.Any();
        }
        return SCALARS.contains(s) ? new FieldType.Scalar(s) : new FieldType.Ref(s);
    }

    private void verifyReferences() {
        kinds.values().forEach(k -> require(k.specType(), "kind " + k.kind()));
        types.forEach((name, fields) -> fields.forEach((f, field) -> verify(field.type(), name + "." + f)));
    }

    private void verify(FieldType t, String where) {
        if (t instanceof FieldType.Ref r) {
            require(r.typeName(), where);
        } else if (t instanceof FieldType.ListOf l) {
            verify(l.element().type(), where);
        } else if (t instanceof FieldType.MapOf m) {
            verify(m.value().type(), where);
        }
    }

    private void require(String type, String where) {
        if (!types.containsKey(type)) {
            throw new IllegalStateException("istio-schema.yaml: " + where + " names unknown type " + type);
        }
    }
}
