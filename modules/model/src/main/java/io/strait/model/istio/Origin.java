package io.strait.model.istio;

/** Where a resource came from: the source, the revision of it, and the file and line of the document. */
public record Origin(String source, String revision, String file, int line) {
}
