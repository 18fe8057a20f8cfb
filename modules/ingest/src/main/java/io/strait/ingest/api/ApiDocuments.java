package io.strait.ingest.api;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.load.LoadedResource;
import io.strait.ingest.revision.RevisionDiff;
import io.strait.model.finding.Finding;
import io.strait.model.istio.Kind;
import io.strait.model.istio.Origin;
import io.strait.model.istio.ResourceKey;
import io.strait.model.json.Json;
import io.strait.model.yaml.Position;
import io.strait.model.yaml.YamlDocument;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The document set of the {@code api} source, and the arithmetic of {@code strait apply} and {@code strait delete} on
 * it: pure, immutable values, so that a rejected apply leaves the set as it was simply by not being kept.
 *
 * <p>A document applied in this process is held as the client sent it (its file name, lines, every field). A document
 * recovered from the bus at start is rebuilt from its record there, which is the normalized form the translator
 * reads: fields Strait does not translate (which had no effect) are not in it, and its origin keeps the file and line
 * the client sent, so a restart neither changes nor republishes it.
 */
public final class ApiDocuments {
    /** Finding code of an apply or delete that names something this source cannot change. */
    public static final String CODE = "STR0020";

    private final SortedMap<ResourceKey, LoadedResource> documents;

    private ApiDocuments(SortedMap<ResourceKey, LoadedResource> documents) {
        this.documents = documents;
    }

    /** The empty set: a source nothing was applied to yet. */
    public static ApiDocuments empty() {
        return new ApiDocuments(new TreeMap<>());
    }

    /** The set the bus holds for the source (its records, as {@link ConfigCodec#decode} reads them). */
    public static ApiDocuments recovered(Collection<ConfigCodec.Entry> live) {
        SortedMap<ResourceKey, LoadedResource> out = new TreeMap<>();
        for (ConfigCodec.Entry e : live) {
            if (e.resource().kind() == Kind.MESH_CONFIG) {
                continue; // the api source takes no MeshConfig, so none of its records is one
            }
            out.put(e.resource().key(), new LoadedResource(e.resource(), document(e)));
        }
        return new ApiDocuments(out);
    }

    /** The document a bus record stands for, located where the client's document was. */
    static YamlDocument document(ConfigCodec.Entry e) {
        ObjectNode tree = Json.MAPPER.createObjectNode();
        tree.put("apiVersion", e.resource().apiVersion());
        tree.put("kind", e.resource().kind().kindName());
        tree.set("metadata", Json.MAPPER.valueToTree(e.resource().metadata()));
        tree.set("spec", Json.MAPPER.valueToTree(e.resource().spec()));
        Origin o = e.origin();
        return new YamlDocument(o.file(), 0, new Position(Math.max(1, o.line()), 1), tree, Map.of());
    }

    public SortedMap<ResourceKey, LoadedResource> documents() {
        return java.util.Collections.unmodifiableSortedMap(documents);
    }

    public boolean contains(ResourceKey key) {
        return documents.containsKey(key);
    }

    /** The set with every resource of {@code batch} upserted by kind, namespace and name. */
    public ApiDocuments apply(List<LoadedResource> batch) {
        SortedMap<ResourceKey, LoadedResource> next = new TreeMap<>(documents);
        batch.forEach(r -> next.put(r.resource().key(), r));
        return new ApiDocuments(next);
    }

    /** The set without {@code keys}; keys it does not hold are {@link #deleteFindings}'s concern. */
    public ApiDocuments delete(Collection<ResourceKey> keys) {
        SortedMap<ResourceKey, LoadedResource> next = new TreeMap<>(documents);
        keys.forEach(next::remove);
        return new ApiDocuments(next);
    }

    /**
     * What stops a batch before validation: a resource given twice in it (which one would win is a guess), and a
     * resource another source defines (the config topic holds one record per resource, so publishing it here would
     * overwrite that source's; it is changed where it is defined).
     *
     * @param others resources live on the bus from other sources, with their origin
     */
    public static List<Finding> applyFindings(List<LoadedResource> batch, Map<ResourceKey, Origin> others) {
        List<Finding> out = new ArrayList<>();
        Map<ResourceKey, LoadedResource> seen = new HashMap<>();
        for (LoadedResource r : batch) {
            ResourceKey key = r.resource().key();
            LoadedResource first = seen.putIfAbsent(key, r);
            if (first != null) {
                out.add(at(r, "is given twice in this apply; " + where(first) + " gives it too: keep one"));
            }
            Origin owner = others.get(key);
            if (owner != null) {
                out.add(at(r, "is defined by source " + owner.source() + " (" + owner.file() + ":" + owner.line()
                        + "); change it there, or delete it there before applying it here"));
            }
        }
        return out;
    }

    /** What stops a delete: keys this source does not hold, named with where they are when another source has them. */
    public List<Finding> deleteFindings(Collection<ResourceKey> keys, Map<ResourceKey, Origin> others) {
        List<Finding> out = new ArrayList<>();
        for (ResourceKey key : keys) {
            if (documents.containsKey(key)) {
                continue;
            }
            Origin owner = others.get(key);
            String message = owner == null ? "not found: the api source holds no such resource (strait get " + key.kind()
                    + " shows what it holds)" : "is defined by source " + owner.source() + " (" + owner.file() + ":"
                    + owner.line() + "), not by api; delete it there";
            out.add(new Finding(Finding.Level.ERROR, CODE, null, 0, describe(key), null, message));
        }
        return out;
    }

    /**
     * The set as one source read: every document (for the analyzers), the findings of reading the batch, and as
     * "files" the normalized records, so the revision id is a hash of the content and the same set gets the same id
     * whether it was just applied or recovered after a restart.
     */
    public LoadResult load(List<Finding> readFindings) {
        List<LoadedResource> resources = new ArrayList<>(documents.values());
        List<YamlDocument> docs = resources.stream().map(LoadedResource::document).toList();
        Map<String, String> files = new TreeMap<>();
        documents.forEach((key, r) -> files.put(key.toString(), new String(RevisionDiff.comparable(
                new ConfigCodec.Entry(r.resource(), new Origin(ApiSource.NAME, null, r.document().file(),
                        r.document().start().line()))), StandardCharsets.UTF_8)));
        return new LoadResult(resources, docs, readFindings, files, Set.of());
    }

    static String describe(ResourceKey key) {
        return key.kind() + " " + (key.namespace().isEmpty() ? "" : key.namespace() + "/") + key.name();
    }

    private static String where(LoadedResource r) {
        return r.document().file() + ":" + r.document().start().line();
    }

    private static Finding at(LoadedResource r, String message) {
        return new Finding(Finding.Level.ERROR, CODE, r.document().file(), r.document().start().line(),
                describe(r.resource().key()), null, message);
    }
}
