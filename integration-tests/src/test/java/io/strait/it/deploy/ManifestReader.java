package io.strait.it.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads Kubernetes YAML as the objects it claims to be: a built-in kind as fabric8's typed model class for its
 * apiVersion and kind — a field the class does not have (it lands in fabric8's {@code additionalProperties}) or a
 * value of the wrong type is an error naming the document and the field — and a Strimzi kind as a generic resource
 * checked by {@link StrimziChecks}.
 */
final class ManifestReader {
    /** API groups whose kinds fabric8's model does not carry; read generically. */
    static final String STRIMZI_GROUP = "kafka.strimzi.io";

    private final KubernetesSerialization serialization = new KubernetesSerialization();

    /** One YAML document: where it came from, its parsed object, or the errors that kept it from parsing. */
    record Document(String where, HasMetadata object, List<String> errors) {
    }

    /** Every document of a multi-document YAML text; {@code source} names it in messages (a file, an overlay). */
    List<Document> read(String source, String yamlText) {
        List<Document> docs = new ArrayList<>();
        int index = 0;
        try {
            for (Object raw : new org.yaml.snakeyaml.Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(
                    new org.yaml.snakeyaml.LoaderOptions())).loadAll(yamlText)) {
                index++;
                if (raw != null) {
                    docs.add(readOne(source + " document " + index, raw));
                }
            }
        } catch (RuntimeException e) {
            docs.add(new Document(source + " document " + (index + 1), null, List.of("is not YAML: " + e.getMessage())));
        }
        return docs;
    }

    private Document readOne(String where, Object raw) {
        if (!(raw instanceof Map<?, ?> map)) {
            return new Document(where, null, List.of("not a mapping, so not a Kubernetes object"));
        }
        Object apiVersion = map.get("apiVersion");
        Object kind = map.get("kind");
        if (!(apiVersion instanceof String) || !(kind instanceof String)) {
            return new Document(where, null, List.of("apiVersion and kind must both be strings"));
        }
        String json = serialization.asJson(map);
        String label = where + " (" + kind + " " + nameOf(map) + ")";
        if (((String) apiVersion).startsWith(STRIMZI_GROUP + "/")) {
            GenericKubernetesResource generic = serialization.unmarshal(json, GenericKubernetesResource.class);
            return new Document(label, generic, List.of());
        }
        Class<? extends KubernetesResource> type = serialization.getRegisteredKubernetesResource((String) apiVersion, (String) kind);
        if (type == null || type == GenericKubernetesResource.class || !HasMetadata.class.isAssignableFrom(type)) {
            return new Document(label, null, List.of(apiVersion + " " + kind + " is not a kind fabric8's model knows: check apiVersion and kind"));
        }
        try {
            HasMetadata typed = (HasMetadata) serialization.unmarshal(json, type);
            List<String> errors = new ArrayList<>();
            unknownFields(typed, kind.toString(), errors);
            return new Document(label, typed, errors);
        } catch (RuntimeException e) {
            return new Document(label, null, List.of("does not read as " + type.getSimpleName() + ": " + e.getMessage()));
        }
    }

    private static String nameOf(Map<?, ?> map) {
        return map.get("metadata") instanceof Map<?, ?> meta ? String.valueOf(meta.get("name")) : "(no metadata)";
    }

    /**
     * Walks a typed object: any {@code additionalProperties} left after reading are fields its class does not
     * have (a misspelling, a field at the wrong level, or a value fabric8 could not bind to the field's type).
     */
    private static void unknownFields(Object node, String path, List<String> errors) {
        if (node == null) {
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, errors));
            return;
        }
        if (node instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                unknownFields(item, path + "[" + i++ + "]", errors);
            }
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : node.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = m.getName();
            if (!name.startsWith("get") || name.length() == 3) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(node);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            String field = Character.toLowerCase(name.charAt(3)) + name.substring(4);
            if (name.equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    errors.add(path + ": unknown field(s) " + extra.keySet() + " (not in " + node.getClass().getSimpleName()
                            + "; misspelled, at the wrong level, or of the wrong type)");
                }
            } else {
                unknownFields(value, path + "." + field, errors);
            }
        }
    }
}
