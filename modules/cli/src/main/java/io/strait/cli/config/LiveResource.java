package io.strait.cli.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One resource live on the bus, as {@code strait get} shows it (and {@code GET /config} sends it).
 *
 * @param kind        the kind name ({@code VirtualService})
 * @param namespace   its namespace, empty for a cluster-scoped kind
 * @param name        its name
 * @param source      the source that publishes it ({@code folder:config}, {@code api}, a git source)
 * @param revision    the revision that last wrote it
 * @param file        the file it was read from (for {@code api}: the name the client sent)
 * @param line        its document's line in that file
 * @param publishedAt epoch millis when that revision went live, or 0 when the source's status no longer remembers it
 * @param document    the document: apiVersion, kind, metadata and spec, in the form the translator reads
 */
public record LiveResource(String kind, String namespace, String name, String source, String revision, String file,
                           int line, long publishedAt, JsonNode document) {
}
