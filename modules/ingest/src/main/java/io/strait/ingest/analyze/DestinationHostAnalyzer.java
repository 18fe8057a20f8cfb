package io.strait.ingest.analyze;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * IST0101 / IST0112: every VirtualService destination names a host that exists and is visible from every
 * namespace the VirtualService is exported to, on a port it has; a service with several ports needs the port named.
 */
public final class DestinationHostAnalyzer implements Analyzer {
    @Override
    public String name() {
        return "virtualservice.DestinationHostAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        for (AnalysisInput.Doc vs : in.all("VirtualService")) {
            List<String> viewers = viewers(vs);
            for (VirtualServiceDestinations.Named d : VirtualServiceDestinations.of(vs)) {
                String host = AnalysisInput.fqdn(d.host(), vs.namespace());
                Optional<AnalysisInput.RegisteredHost> found = Optional.empty();
                boolean everywhere = true;
                for (String viewer : viewers) {
                    Optional<AnalysisInput.RegisteredHost> seen = in.lookup(host, viewer);
                    everywhere &= seen.isPresent();
                    found = found.or(() -> seen);
                }
                if (d.host().isEmpty() || !everywhere) {
                    out.error("IST0101", vs, d.path() + ".host", "Referenced host not found: \"" + d.host() + "\"");
                    continue;
                }
                List<Integer> ports = found.get().ports();
                if (d.destination().path("port").has("number")) {
                    int port = d.destination().path("port").path("number").asInt();
                    if (!ports.isEmpty() && !ports.contains(port)) {
                        out.error("IST0101", vs, d.path() + ".port.number",
                                "Referenced host:port not found: \"" + d.host() + ":" + port + "\"");
                    }
                } else if (ports.size() > 1) {
                    out.error("IST0112", vs, d.path(), "This VirtualService routes to a service \"" + d.host()
                            + "\" that exposes multiple ports " + ports + ". Specifying a port in the destination is required to disambiguate.");
                }
            }
        }
    }

    /** The namespaces a VirtualService applies in: its exportTo, or its own namespace. */
    static List<String> viewers(AnalysisInput.Doc vs) {
        List<String> out = new ArrayList<>();
        for (String ns : AnalysisInput.texts(vs.spec().path("exportTo"))) {
            out.add(ns.equals(".") || ns.equals("*") ? vs.namespace() : ns);
        }
        return out.isEmpty() ? List.of(vs.namespace()) : out;
    }
}
