package io.strait.model.istio;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.model.finding.Finding;
import io.strait.model.finding.Finding.Level;
import io.strait.model.schema.IstioSchema;
import io.strait.model.schema.SchemaError;
import io.strait.model.yaml.Position;
import io.strait.model.yaml.YamlDocument;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Binds a kind-less document to the {@link MeshConfig} resource of a revision, as {@link ResourceBinder} binds a
 * resource: checked against Istio's MeshConfig schema ({@code strait/mesh-config-schema.yaml}), every violation an
 * error with its field path and line. Fields Istio has removed are accepted with a warning (istiod ignores them), and
 * one warning names the fields that are valid but not applied by Strait yet, so a user's existing mesh config is
 * read whole and told what takes effect.
 */
public final class MeshConfigBinder {
    /** The top-level fields whose effect on proxies Strait translates. */
    static final Set<String> APPLIED = Set.of("defaultHttpRetryPolicy", "outboundTrafficPolicy", "rootNamespace",
            "defaultServiceExportTo", "defaultVirtualServiceExportTo", "meshNetworks",
            // the CA's trust domain and the identities principals and the secure port accept
            "trustDomain", "trustDomainAliases",
            // auto mTLS of clients, and clusterLocal hosts of the clusters' registries
            "enableAutoMtls", "serviceSettings");
    private static final String DISPLAY_NAME = MeshConfig.KIND + " " + MeshConfig.NAME;

    private MeshConfigBinder() {
    }

    /** Whether a document has no Kubernetes identity, as a MeshConfig file's document has none. */
    public static boolean isKindless(YamlDocument doc) {
        JsonNode t = doc.tree();
        return t.isObject() && !t.has("kind") && !t.has("apiVersion") && !t.has("metadata");
    }

    /** The MeshConfig of a document, or none with the errors that prevent it. */
    public static ResourceBinder.Bound bind(YamlDocument doc) {
        List<Finding> findings = new ArrayList<>();
        JsonNode tree = doc.tree();
        if (!tree.isObject()) {
            findings.add(error(doc, "", "a MeshConfig must be a mapping of Istio's MeshConfig fields (trustDomain, "
                    + "outboundTrafficPolicy, defaultConfig, …)"));
            return new ResourceBinder.Bound(Optional.empty(), findings);
        }
        IstioSchema schema = IstioSchema.get();
        for (SchemaError e : schema.check(IstioSchema.MESH_CONFIG, tree, "")) {
            findings.add(error(doc, e.path(), e.message()));
        }
        if (findings.stream().anyMatch(Finding::isError)) {
            return new ResourceBinder.Bound(Optional.empty(), findings);
        }
        removed(doc, tree, IstioSchema.MESH_CONFIG, "", findings);
        removed(doc, tree.path("defaultConfig"), "mesh.ProxyConfig", "defaultConfig", findings);
        List<String> notApplied = new ArrayList<>();
        Set<String> removedTop = schema.removedFields(IstioSchema.MESH_CONFIG);
        for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!APPLIED.contains(f) && !removedTop.contains(f)) {
                notApplied.add(f);
            }
        }
        if (!notApplied.isEmpty()) {
            findings.add(new Finding(Level.WARNING, ResourceBinder.NOT_TRANSLATED, doc.file(), doc.start().line(),
                    DISPLAY_NAME, null, "valid, but not applied to proxies by this version of Strait yet: "
                    + String.join(", ", notApplied)));
        }
        ObjectMeta meta = new ObjectMeta(MeshConfig.NAME, null, Map.of(), Map.of(), null);
        return new ResourceBinder.Bound(Optional.of(new IstioResource("", Kind.MESH_CONFIG, meta, new MeshConfig(tree))),
                findings);
    }

    private static void removed(YamlDocument doc, JsonNode node, String type, String prefix, List<Finding> findings) {
        for (String f : IstioSchema.get().removedFields(type)) {
            if (node.has(f)) {
                String path = prefix.isEmpty() ? f : prefix + "." + f;
                Position at = doc.positionOf(path);
                findings.add(new Finding(Level.WARNING, ResourceBinder.NOT_TRANSLATED, doc.file(), at.line(), at.column(),
                        DISPLAY_NAME, path, "removed from Istio's MeshConfig: istiod ignores it, and so does Strait"));
            }
        }
    }

    private static Finding error(YamlDocument doc, String path, String message) {
        Position at = doc.positionOf(path);
        return new Finding(Level.ERROR, ResourceBinder.SCHEMA_ERROR, doc.file(), at.line(), at.column(), DISPLAY_NAME,
                path.isEmpty() ? null : path, message);
    }
}
