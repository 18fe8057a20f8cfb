package io.strait.ingest.load;

import io.strait.model.finding.Finding;
import java.util.List;
import java.util.Map;
import io.strait.model.yaml.YamlDocument;

/**
 * Everything read from one source at one moment.
 *
 * @param resources the resources that bound cleanly, in file order
 * @param documents every document read, Kubernetes objects included (analysis reads them as the registry)
 * @param findings  problems met while reading and binding
 * @param files     file (relative path) to its content, for the revision's content hash
 * @param meshFiles the files among {@code files} whose kind-less document is the MeshConfig: {@code mesh.yaml} at a
 *                  source's root, or the file {@code --mesh-config} names
 */
public record LoadResult(List<LoadedResource> resources, List<YamlDocument> documents, List<Finding> findings,
                         Map<String, String> files, java.util.Set<String> meshFiles) {
    public LoadResult {
        resources = List.copyOf(resources);
        documents = List.copyOf(documents);
        findings = List.copyOf(findings);
        files = Map.copyOf(files);
        meshFiles = java.util.Set.copyOf(meshFiles);
    }

    /** What was read, with {@code mesh.yaml} the MeshConfig file if {@code files} has one at the root. */
    public LoadResult(List<LoadedResource> resources, List<YamlDocument> documents, List<Finding> findings,
                      Map<String, String> files) {
        this(resources, documents, findings, files, files.containsKey(io.strait.model.istio.MeshConfig.FILE_NAME)
                ? java.util.Set.of(io.strait.model.istio.MeshConfig.FILE_NAME) : java.util.Set.of());
    }

    /** The MeshConfig of what was read, if a mesh file held one. */
    public java.util.Optional<io.strait.model.istio.MeshConfig> meshConfig() {
        return resources.stream().map(LoadedResource::resource)
                .filter(r -> r.kind() == io.strait.model.istio.Kind.MESH_CONFIG)
                .map(r -> (io.strait.model.istio.MeshConfig) r.spec()).findFirst();
    }
}
