package io.strait.ingest.load;

import io.strait.model.finding.Finding;
import java.util.List;
import java.util.Map;

/**
 * Everything read from one source at one moment.
 *
 * @param resources the resources that bound cleanly, in file order
 * @param findings  problems met while reading and binding
 * @param files     file (relative path) to its content, for the revision's content hash
 */
public record LoadResult(List<LoadedResource> resources, List<Finding> findings, Map<String, String> files) {
    public LoadResult {
        resources = List.copyOf(resources);
        findings = List.copyOf(findings);
        files = Map.copyOf(files);
    }
}
