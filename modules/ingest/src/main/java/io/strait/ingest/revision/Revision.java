package io.strait.ingest.revision;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.model.finding.Finding;
import io.strait.model.istio.ResourceKey;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A valid, complete state of one source: every resource with its origin, and the warnings that do not block it.
 *
 * @param source    the source name
 * @param id        the revision id (content hash of the source's files, or a git SHA)
 * @param resources every resource, by key
 * @param warnings  non-blocking findings
 */
public record Revision(String source, String id, SortedMap<ResourceKey, ConfigCodec.Entry> resources,
                       List<Finding> warnings) {
    public Revision {
        resources = new TreeMap<>(resources);
        warnings = List.copyOf(warnings);
    }
}
