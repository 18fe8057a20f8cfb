package io.strait.ingest.analyze;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * IST0109: two VirtualServices that apply to the mesh (no gateways, or {@code mesh} among them) define the same
 * host for the same namespaces; which one a sidecar uses is undefined. As Istio keys them: a VirtualService
 * without exportTo, or exported to {@code *}, defines its hosts for every namespace ({@code *}); one exported to
 * some namespaces defines them for each of those — and conflicts there also with a VirtualService for every
 * namespace whose host covers (or is covered by) its own. Each VirtualService is reported once.
 */
public final class MeshHostConflictAnalyzer implements Analyzer {
    private static final String ALL = "*";

    @Override
    public String name() {
        return "virtualservice.ConflictingMeshGatewayHostsAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        // scope/fqdn -> the VirtualServices defining that host for that scope, in document order
        Map<String, List<AnalysisInput.Doc>> byScopedHost = new LinkedHashMap<>();
        for (AnalysisInput.Doc vs : in.all("VirtualService")) {
            List<String> gateways = AnalysisInput.texts(vs.spec().path("gateways"));
            if (!gateways.isEmpty() && !gateways.contains("mesh")) {
                continue;
            }
            for (String scope : scopes(vs)) {
                for (String h : AnalysisInput.texts(vs.spec().path("hosts"))) {
                    byScopedHost.computeIfAbsent(scope + "/" + fqdn(h, vs.namespace()), k -> new ArrayList<>()).add(vs);
                }
            }
        }
        List<String> wildcardsForAll = byScopedHost.keySet().stream().filter(k -> k.startsWith(ALL + "/" + ALL)).toList();
        Set<AnalysisInput.Doc> reported = Collections.newSetFromMap(new IdentityHashMap<>());
        byScopedHost.forEach((scopedHost, defined) -> {
            List<AnalysisInput.Doc> conflicting = new ArrayList<>(defined);
            String host = scopedHost.substring(scopedHost.indexOf('/') + 1);
            if (!scopedHost.startsWith(ALL + "/")) {
                // what is defined for every namespace applies in this one too
                Set<String> keys = new LinkedHashSet<>();
                if (host.startsWith(ALL)) {
                    byScopedHost.keySet().stream().filter(k -> k.startsWith(ALL + "/")).forEach(keys::add);
                } else {
                    keys.add(ALL + "/" + host);
                    keys.addAll(wildcardsForAll);
                }
                for (String k : keys) {
                    if (byScopedHost.containsKey(k) && AnalysisInput.hostsOverlap(host, k.substring(ALL.length() + 1))) {
                        conflicting.addAll(byScopedHost.get(k));
                    }
                }
            }
            if (conflicting.size() < 2) {
                return;
            }
            String names = String.join(",", conflicting.stream().map(GatewayAnalyzers::fullName).sorted().toList());
            for (AnalysisInput.Doc vs : conflicting) {
                if (reported.add(vs)) {
                    out.error("IST0109", vs, "metadata.name", "The VirtualServices " + names + " associated with mesh gateway define the "
                            + "same host " + scopedHost + " which can lead to undefined behavior. This can be fixed by merging the "
                            + "conflicting VirtualServices into a single resource.");
                }
            }
        });
    }

    /** The namespaces a VirtualService defines its hosts for: {@code *} (all), or those it is exported to. */
    private static Set<String> scopes(AnalysisInput.Doc vs) {
        List<String> exportTo = AnalysisInput.texts(vs.spec().path("exportTo"));
        if (exportTo.isEmpty() || exportTo.contains(ALL)) {
            return Set.of(ALL);
        }
        Set<String> out = new LinkedHashSet<>();
        for (String ns : exportTo) {
            out.add(ns.equals(".") ? vs.namespace() : ns);
        }
        return out;
    }

    /** Istio's rule here: a name without a dot (and not a wildcard) is a Service of the VirtualService's namespace. */
    private static String fqdn(String host, String namespace) {
        return host.startsWith("*") || host.contains(".") ? host : host + "." + namespace + ".svc.cluster.local";
    }
}
