package io.strait.ingest.load;

import io.strait.model.finding.Finding;
import io.strait.model.yaml.YamlDocument;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parse of each file as last read, so a source that re-reads its whole tree on every change (a folder, a git
 * commit) parses and binds only the files whose text changed. Parsing is a pure function of a file's path and
 * text, and its results are immutable, so reusing them gives exactly what a fresh parse would. Not thread-safe:
 * one per source, used from its reconcile thread.
 */
public final class ParseCache {
    /** One file's parse: its documents, the resources bound from them, and the findings on the way. */
    record Parsed(String text, List<YamlDocument> documents, List<LoadedResource> resources, List<Finding> findings) {
    }

    private final Map<String, Parsed> byFile = new HashMap<>();
    private int hits;

    Parsed get(String file, String text) {
        Parsed p = byFile.get(file);
        if (p != null && p.text().equals(text)) {
            hits++;
            return p;
        }
        return null;
    }

    void put(String file, Parsed parsed) {
        byFile.put(file, parsed);
    }

    /** Forgets files the source no longer holds. */
    void retain(Set<String> files) {
        byFile.keySet().retainAll(files);
    }

    /** Files served from the cache so far. */
    public int hits() {
        return hits;
    }
}
