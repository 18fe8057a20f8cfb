package io.strait.model.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One document of a (possibly multi-document) YAML file, as a Jackson tree plus the position of every
 * field in it, so any error found later by path ({@code spec.http[0].route[1].weight}) can name its line.
 *
 * @param file      the file, relative to the source root
 * @param index     0-based index of the document in its file
 * @param start     where the document starts
 * @param tree      the document content
 * @param positions field path to position; the root document is the empty path
 */
public record YamlDocument(String file, int index, Position start, JsonNode tree, Map<String, Position> positions) {

    /** The position of {@code path}, or of its nearest ancestor that has one, or the document start. */
    public Position positionOf(String path) {
        String p = path;
        while (p != null && !p.isEmpty()) {
            Position pos = positions.get(p);
            if (pos != null) {
                return pos;
            }
            p = parentPath(p);
        }
        return start;
    }

    static String parentPath(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut <= 0 ? "" : path.substring(0, cut);
    }
}
