package io.strait.model.istio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.strait.model.finding.Finding;
import io.strait.model.finding.Finding.Level;
import io.strait.model.json.Json;
import io.strait.model.schema.IstioSchema;
import io.strait.model.schema.SchemaError;
import io.strait.model.yaml.Position;
import io.strait.model.yaml.YamlDocument;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Binds a {@link YamlDocument} to an {@link IstioResource}, the way the Kubernetes API server admits a custom
 * resource: the spec is checked against the structural schema of its kind (unknown fields, types, enums, lengths,
 * patterns, ranges), each violation an error naming its path and line. Kubernetes kinds that are not Istio config
 * (Deployments, Services in a GitOps repo) are skipped with a note.
 */
public final class ResourceBinder {
    /** Code of schema errors, as istioctl analyze reports them. */
    public static final String SCHEMA_ERROR = "IST0106";
    /** Code of the warning for valid config Strait does not apply yet. */
    public static final String NOT_TRANSLATED = "STR0002";
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
            // a MeshConfig has neither, but it is read only from a mesh file (MeshConfigBinder), never from here
            String hint = MeshConfigBinder.isKindless(doc) ? "; a MeshConfig (a document without kind) is read only from "
                    + MeshConfig.FILE_NAME + " at the source's root or from --mesh-config" : "";
            findings.add(error(doc, null, apiVersion == null ? "apiVersion" : "kind",
                    "apiVersion and kind are required (e.g. apiVersion: networking.istio.io/v1, kind: VirtualService)" + hint));
            return new Bound(Optional.empty(), findings);
        }
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        Optional<IstioSchema.KindInfo> info = IstioSchema.get().kind(kindName).filter(k -> k.group().equals(group));
        Optional<Kind> kind = Kind.byName(kindName);
        if (info.isEmpty() || kind.isEmpty()) {
            if (group.endsWith("istio.io")) {
                findings.add(new Finding(Level.WARNING, NOT_TRANSLATED, doc.file(), doc.start().line(), null, "kind",
                        kindName + " (" + apiVersion + ") is not an Istio kind Strait knows; the document is ignored"));
            } else {
                findings.add(new Finding(Level.INFO, "STR0003", doc.file(), doc.start().line(), null, "kind",
                        kindName + " (" + apiVersion + ") is not Istio config; ignored"));
            }
            return new Bound(Optional.empty(), findings);
        }
        if (!info.get().versions().contains(version)) {
            findings.add(error(doc, null, "apiVersion", "unsupported version \"" + apiVersion + "\" for " + kindName
                    + "; use " + group + "/" + String.join(", ", info.get().versions())));
            return new Bound(Optional.empty(), findings);
        }
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!TOP_LEVEL.contains(field)) {
                findings.add(error(doc, null, field, "unknown field \"" + field + "\""));
            }
        }
        ObjectMeta meta = metadata(doc, tree.get("metadata"), findings);
        String resourceName = meta == null || meta.name() == null ? null
                : kindName + " " + meta.namespaceOrDefault() + "/" + meta.name();
        JsonNode specNode = tree.get("spec");
        if (specNode == null) {
            findings.add(error(doc, resourceName, "spec", "spec: Required value"));
            return new Bound(Optional.empty(), findings);
        }
        for (SchemaError e : IstioSchema.get().check(info.get(), specNode)) {
            findings.add(error(doc, resourceName, e.path(), e.message()));
        }
        if (meta == null || findings.stream().anyMatch(Finding::isError)) {
            return new Bound(Optional.empty(), findings);
        }
        Spec spec = spec(kind.get(), specNode);
        if (kind.get().isTranslated()) {
            for (String path : UntranslatedFields.find(specNode, Json.TREE.valueToTree(spec), "spec")) {
                Position at = doc.positionOf(path);
                findings.add(new Finding(Level.WARNING, NOT_TRANSLATED, doc.file(), at.line(), at.column(), resourceName, path,
                        "valid, but not translated by this version of Strait: it has no effect on proxies yet"));
            }
        } else {
            findings.add(new Finding(Level.WARNING, NOT_TRANSLATED, doc.file(), doc.start().line(), resourceName, null,
                    kindName + " is validated and published, but not translated by this version of Strait: it has no effect on proxies yet"));
        }
        return new Bound(Optional.of(new IstioResource(apiVersion, kind.get(), meta, spec)), findings);
    }

    /** The typed spec of an already schema-checked tree. */
    public static Spec spec(Kind kind, JsonNode specNode) {
        if (!kind.isTranslated()) {
            return new GenericSpec(specNode);
        }
        try {
            return Json.MAPPER.treeToValue(specNode, kind.specType());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // the schema admitted it, so a record that cannot hold it is a Strait bug, not a user error
            throw new IllegalStateException("cannot bind a schema-valid " + kind.kindName() + ": " + e.getMessage(), e);
        }
    }

    private static ObjectMeta metadata(YamlDocument doc, JsonNode node, List<Finding> findings) {
        if (node == null || !node.isObject()) {
            findings.add(error(doc, null, "metadata", "metadata: Required value (with at least a name)"));
            return null;
        }
        JsonNode name = node.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            findings.add(error(doc, null, "metadata.name", "metadata.name: Required value"));
            return null;
        }
        for (String f : List.of("namespace", "name")) {
            if (node.has(f) && !node.get(f).isTextual()) {
                findings.add(error(doc, null, "metadata." + f, "metadata." + f + " in body must be of type string"));
                return null;
            }
        }
        for (String f : List.of("labels", "annotations")) {
            JsonNode m = node.get(f);
            if (m != null && !m.isNull() && (!m.isObject() || !allText(m))) {
                findings.add(error(doc, null, "metadata." + f, "metadata." + f + " must map strings to strings"));
                return null;
            }
        }
        return Json.MAPPER.convertValue(node, ObjectMeta.class);
    }

    private static boolean allText(JsonNode m) {
        for (JsonNode v : m) {
            if (!v.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static String text(JsonNode tree, String field) {
        JsonNode n = tree.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    private static Finding error(YamlDocument doc, String resource, String path, String message) {
        Position at = doc.positionOf(path);
        return new Finding(Level.ERROR, SCHEMA_ERROR, doc.file(), at.line(), at.column(), resource, path, message);
    }
}
