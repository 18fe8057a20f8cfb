package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Every destination a VirtualService names — routes of http, tls and tcp, mirror and mirrors — with its path. */
final class VirtualServiceDestinations {
    /** One destination: where it is in the document, and the destination object (empty when left out). */
    record Named(String path, JsonNode destination) {
        String host() {
            return destination.path("host").asText("");
        }
    }

    private VirtualServiceDestinations() {
    }

    static List<Named> of(AnalysisInput.Doc vs) {
        List<Named> out = new ArrayList<>();
        JsonNode spec = vs.spec();
        for (String section : List.of("http", "tls", "tcp")) {
            JsonNode routes = spec.path(section);
            for (int i = 0; i < routes.size(); i++) {
                JsonNode route = routes.path(i);
                String base = "spec." + section + "[" + i + "]";
                for (int k = 0; k < route.path("route").size(); k++) {
                    out.add(new Named(base + ".route[" + k + "].destination", route.path("route").path(k).path("destination")));
                }
                if (route.has("mirror")) {
                    out.add(new Named(base + ".mirror", route.path("mirror")));
                }
                for (int m = 0; m < route.path("mirrors").size(); m++) {
                    out.add(new Named(base + ".mirrors[" + m + "].destination", route.path("mirrors").path(m).path("destination")));
                }
            }
        }
        return out;
    }
}
