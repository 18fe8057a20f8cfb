package io.strait.ingest.analyze;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * IST0109: two VirtualServices that apply to the mesh (no gateways, or {@code mesh} among them) define the same
 * host for a namespace that sees both; which one a sidecar uses is undefined. Merge them into one.
 */
public final class MeshHostConflictAnalyzer implements Analyzer {
    @Override
    public String name() {
        return "virtualservice.ConflictingMeshGatewayHostsAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        Map<String, List<AnalysisInput.Doc>> byHost = new LinkedHashMap<>();
        for (AnalysisInput.Doc vs : in.all("VirtualService")) {
            List<String> gateways = AnalysisInput.texts(vs.spec().path("gateways"));
            if (!gateways.isEmpty() && !gateways.contains("mesh")) {
                continue;
            }
            for (String h : AnalysisInput.texts(vs.spec().path("hosts"))) {
                byHost.computeIfAbsent(AnalysisInput.fqdn(h, vs.namespace()), k -> new ArrayList<>()).add(vs);
            }
        }
        byHost.forEach((host, list) -> {
            Set<AnalysisInput.Doc> conflicting = new LinkedHashSet<>();
            for (int a = 0; a < list.size(); a++) {
                for (int b = a + 1; b < list.size(); b++) {
                    if (shareViewer(list.get(a), list.get(b))) {
                        conflicting.add(list.get(a));
                        conflicting.add(list.get(b));
                    }
                }
            }
            List<String> names = conflicting.stream().map(d -> d.namespace() + "/" + d.name()).toList();
            for (AnalysisInput.Doc vs : conflicting) {
                out.error("IST0109", vs, "spec.hosts", "The VirtualServices " + names + " associated with mesh gateway define the "
                        + "same host " + host + " which can lead to undefined behavior. Merge them into a single resource.");
            }
        });
    }

    private static boolean shareViewer(AnalysisInput.Doc a, AnalysisInput.Doc b) {
        for (String viewer : DestinationHostAnalyzer.viewers(a)) {
            if (DestinationHostAnalyzer.viewers(b).contains(viewer)) {
                return true;
            }
        }
        return false;
    }
}
