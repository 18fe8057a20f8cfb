package io.strait.ingest.analyze;

import java.util.LinkedHashMap;
import java.util.Map;

/** The gateways a VirtualService binds to ({@code spec.gateways} and per-match {@code gateways}), {@code mesh} aside. */
final class GatewayReferences {
    private GatewayReferences() {
    }

    /** Path of each reference to its {@code namespace/name}. */
    static Map<String, String> of(AnalysisInput.Doc vs) {
        Map<String, String> out = new LinkedHashMap<>();
        var gateways = vs.spec().path("gateways");
        for (int i = 0; i < gateways.size(); i++) {
            add(out, "spec.gateways[" + i + "]", gateways.path(i).asText(), vs.namespace());
        }
        var http = vs.spec().path("http");
        for (int i = 0; i < http.size(); i++) {
            var match = http.path(i).path("match");
            for (int j = 0; j < match.size(); j++) {
                var g = match.path(j).path("gateways");
                for (int k = 0; k < g.size(); k++) {
                    add(out, "spec.http[" + i + "].match[" + j + "].gateways[" + k + "]", g.path(k).asText(), vs.namespace());
                }
            }
        }
        return out;
    }

    private static void add(Map<String, String> out, String path, String ref, String namespace) {
        if (!ref.equals("mesh") && !ref.isEmpty()) {
            out.put(path, ref.contains("/") ? ref : namespace + "/" + ref);
        }
    }
}
