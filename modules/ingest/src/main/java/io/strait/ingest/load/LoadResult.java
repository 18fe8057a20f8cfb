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
 */
public record LoadResult(List<LoadedResource> resources, List<YamlDocument> documents, List<Finding> findings,
                         Map<String, String> files) {
    public LoadResult {
        resources = List.copyOf(resources);
        documents = List.copyOf(documents);
        findings = List.copyOf(findings);
        files = Map.copyOf(files);
    }
}
