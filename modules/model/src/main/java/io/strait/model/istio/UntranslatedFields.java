package io.strait.model.istio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The fields a user set that the typed record did not keep: valid config the translator does not read yet. Found
 * by walking the input tree beside the record written back as a tree, so the list follows the records by itself.
 */
final class UntranslatedFields {
    private UntranslatedFields() {
    }

    static List<String> find(JsonNode input, JsonNode bound, String path) {
        List<String> out = new ArrayList<>();
        walk(input, bound, path, out);
        return out;
    }

    private static void walk(JsonNode input, JsonNode bound, String path, List<String> out) {
        if (input.isObject() && bound != null && bound.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = input.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String child = path + "." + e.getKey();
                if (!bound.has(e.getKey())) {
                    out.add(child);
                } else {
                    walk(e.getValue(), bound.get(e.getKey()), child, out);
                }
            }
        } else if (input.isArray() && bound != null && bound.isArray()) {
            for (int i = 0; i < input.size() && i < bound.size(); i++) {
                walk(input.get(i), bound.get(i), path + "[" + i + "]", out);
            }
        }
    }
}
