package io.strait.model.istio;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.strait.model.finding.Finding;
import io.strait.model.finding.Finding.Level;
import io.strait.model.json.Json;
import io.strait.model.yaml.YamlDocument;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Binds a {@link YamlDocument} to an {@link IstioResource}, the way the Kubernetes API server applies a CRD
 * schema: unknown fields and wrongly typed values are errors naming their path and line. Kubernetes kinds
 * that are not Istio config (Deployments, Services in a GitOps repo) are skipped with a note.
 */
public final class ResourceBinder {
    private static final Set<String> TOP_LEVEL = Set.of("apiVersion", "kind", "metadata", "spec", "status");

    /** The outcome of binding one document: a resource, or none, plus what was found on the way. */
    public record Bound(Optional<IstioResource> resource, List<Finding> findings) {
    }

    private ResourceBinder() {
    }

    public static Bound bind(YamlDocument doc) {
        List<Finding> findings = new ArrayList<>();
        JsonNode tree = doc.tree();
        if (!tree.isObject()) {
            findings.add(error(doc, null, "", "a config document must be a mapping with apiVersion, kind, metadata and spec"));
            return new Bound(Optional.empty(), findings);
        }
        String apiVersion = text(tree, "apiVersion");
        String kindName = text(tree, "kind");
        if (apiVersion == null || kindName == null) {
            findings.add(error(doc, null, apiVersion == null ? "apiVersion" : "kind",
                    "apiVersion and kind are required (e.g. apiVersion: networking.istio.io/v1, kind: VirtualService)"));
            return new Bound(Optional.empty(), findings);
        }
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        Optional<Kind> kind = Kind.byName(kindName).filter(k -> k.group().equals(group));
        if (kind.isEmpty()) {
            if (group.endsWith("istio.io")) {
                findings.add(new Finding(Level.WARNING, "STR0002", doc.file(), doc.start().line(), null, "kind",
                        kindName + " (" + apiVersion + ") is not translated by this version of Strait; the document is ignored"));
            } else {
                findings.add(new Finding(Level.INFO, "STR0003", doc.file(), doc.start().line(), null, "kind",
                        kindName + " (" + apiVersion + ") is not Istio config; ignored"));
            }
            return new Bound(Optional.empty(), findings);
        }
        if (!Kind.NETWORKING_VERSIONS.contains(version)) {
            findings.add(error(doc, null, "apiVersion", "unsupported version \"" + apiVersion + "\" for " + kindName
                    + "; use " + group + "/v1, v1beta1 or v1alpha3"));
            return new Bound(Optional.empty(), findings);
        }
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!TOP_LEVEL.contains(field)) {
                findings.add(error(doc, null, field, "unknown field \"" + field + "\""));
            }
        }
        ObjectMeta meta = bindPart(doc, tree.get("metadata"), "metadata", ObjectMeta.class, null, findings);
        String resourceName = meta == null || meta.name() == null ? null
                : kindName + " " + meta.namespaceOrDefault() + "/" + meta.name();
        if (meta != null && (meta.name() == null || meta.name().isBlank())) {
            findings.add(error(doc, null, "metadata.name", "metadata.name is required"));
        }
        JsonNode specNode = tree.get("spec");
        if (specNode == null || specNode.isNull()) {
            findings.add(error(doc, resourceName, "spec", "spec is required"));
            return new Bound(Optional.empty(), findings);
        }
        Spec spec = bindPart(doc, specNode, "spec", kind.get().specType(), resourceName, findings);
        if (meta == null || spec == null || findings.stream().anyMatch(Finding::isError)) {
            return new Bound(Optional.empty(), findings);
        }
        return new Bound(Optional.of(new IstioResource(apiVersion, kind.get(), meta, spec)), findings);
    }

    private static <T> T bindPart(YamlDocument doc, JsonNode node, String root, Class<T> type, String resource,
                                  List<Finding> findings) {
        if (node == null || node.isNull()) {
            findings.add(error(doc, resource, root, root + " is required"));
            return null;
        }
        try {
            return Json.STRICT.treeToValue(node, type);
        } catch (JsonMappingException e) {
            String path = root + pathOf(e);
            findings.add(error(doc, resource, path, describe(e)));
            return null;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            findings.add(error(doc, resource, root, "cannot read " + root + ": " + e.getMessage()));
            return null;
        }
    }

    /** Jackson's path ({@code ["http"][0]["route"]}) in the Istio form ({@code .http[0].route}). */
    private static String pathOf(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                sb.append('.').append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String describe(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field \"" + u.getPropertyName() + "\"";
        }
        if (e instanceof InvalidFormatException f) {
            return "invalid value " + f.getValue() + ": expected " + simpleType(f.getTargetType());
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "wrong type: expected " + simpleType(m.getTargetType());
        }
        return e.getOriginalMessage();
    }

    private static String simpleType(Class<?> type) {
        if (type == null) {
            return "a different type";
        }
        if (type == Integer.class || type == int.class || type == Long.class) {
            return "an integer";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping";
        }
        return type.getSimpleName();
    }

    private static String text(JsonNode tree, String field) {
        JsonNode n = tree.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    private static Finding error(YamlDocument doc, String resource, String path, String message) {
        return new Finding(Level.ERROR, "IST0106", doc.file(), doc.positionOf(path).line(), resource, path, message);
    }
}
