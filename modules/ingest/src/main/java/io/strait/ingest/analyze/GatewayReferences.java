package io.strait.ingest.analyze;

import java.util.ArrayList;
import java.util.List;

/**
 * The gateways a VirtualService binds to in {@code spec.gateways}, {@code mesh} aside — the references Istio's
 * VirtualService analyzers check (a match's own {@code gateways} only narrow these).
 */
final class GatewayReferences {
    /**
     * One reference.
     *
     * @param path      where it is written
     * @param written   the reference as written ({@code name} or {@code namespace/name})
     * @param namespace the namespace it names (the VirtualService's when it names none)
     * @param name      the gateway's name
     */
    record Ref(String path, String written, String namespace, String name) {
        String fullName() {
            return namespace + "/" + name;
        }
    }

    private GatewayReferences() {
    }

    static List<Ref> of(AnalysisInput.Doc vs) {
        List<Ref> out = new ArrayList<>();
        var gateways = vs.spec().path("gateways");
        for (int i = 0; i < gateways.size(); i++) {
            String ref = gateways.path(i).asText("");
            if (ref.equals("mesh") || ref.isEmpty()) {
                continue;
            }
            String[] nsName = ref.contains("/") ? ref.split("/", 2) : new String[] {vs.namespace(), ref};
            out.add(new Ref("spec.gateways[" + i + "]", ref, nsName[0], nsName[1]));
        }
        return out;
    }
}
