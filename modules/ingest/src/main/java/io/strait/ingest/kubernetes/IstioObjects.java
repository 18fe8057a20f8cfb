package io.strait.ingest.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.strait.model.json.Json;
import io.strait.model.schema.IstioSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Istio objects read from a cluster as the documents a folder or git source would hold: each object is one file
 * named {@code <Kind>/<namespace>/<name>} (so that a finding names the object), holding the object as its author
 * wrote it — {@code apiVersion}, {@code kind}, name, namespace, labels and annotations, {@code spec} and any other
 * field it has — without what the API server adds (resourceVersion, uid, managedFields, creationTimestamp,
 * generation, status, kubectl's last-applied copy). Pure.
 */
public final class IstioObjects {
    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private IstioObjects() {
    }

    /** The kinds Strait reads, each at the newest version it supports (the API server serves every version of one object). */
    public static List<ResourceDefinitionContext> kinds() {
        List<ResourceDefinitionContext> out = new ArrayList<>();
        for (IstioSchema.KindInfo k : IstioSchema.get().kinds()) {
            if (k.group() == null || k.group().isEmpty() || k.versions().isEmpty()) {
                continue; // the MeshConfig: not a CRD
            }
            out.add(new ResourceDefinitionContext.Builder().withGroup(k.group()).withVersion(k.versions().get(k.versions().size() - 1))
                    .withKind(k.kind()).withPlural(plural(k.kind())).withNamespaced(true).build());
        }
        return out;
    }

    /** The CRD's plural, as Istio's CRDs name them ({@code serviceentries}, {@code authorizationpolicies}). */
    static String plural(String kind) {
        String lower = kind.toLowerCase(Locale.ROOT);
        return lower.endsWith("y") ? lower.substring(0, lower.length() - 1) + "ies" : lower + "s";
    }

    /** The pseudo file name of an object: {@code <Kind>/<namespace>/<name>}. */
    public static String fileName(GenericKubernetesResource r) {
        return r.getKind() + "/" + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
    }

    /** Every object as its file (file name to text), in name order. */
    public static Map<String, String> files(Collection<GenericKubernetesResource> objects) {
        Map<String, String> out = new TreeMap<>();
        for (GenericKubernetesResource r : objects) {
            out.put(fileName(r), document(r));
        }
        return out;
    }

    /** One object as a document, one field a line so that findings carry a useful line. */
    static String document(GenericKubernetesResource r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("apiVersion", r.getApiVersion());
        doc.put("kind", r.getKind());
        ObjectMeta m = r.getMetadata();
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", m.getName());
        meta.put("namespace", m.getNamespace());
        if (m.getLabels() != null && !m.getLabels().isEmpty()) {
            meta.put("labels", new TreeMap<>(m.getLabels()));
        }
        if (m.getAnnotations() != null) {
            Map<String, String> annotations = new TreeMap<>(m.getAnnotations());
            annotations.remove(LAST_APPLIED);
            if (!annotations.isEmpty()) {
                meta.put("annotations", annotations);
            }
        }
        doc.put("metadata", meta);
        r.getAdditionalProperties().forEach((key, value) -> {
            if (!key.equals("status")) {
                doc.put(key, value);
            }
        });
        try {
            return Json.TREE.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an object read from the API server cannot be written as JSON", e);
        }
    }
}
