package io.strait.ingest.analyze;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * IST0101 / IST0112: every VirtualService destination names a host that exists and is visible from every
 * namespace the VirtualService is exported to, on a port it has; a service with several ports needs the port named.
 * IST0140: a route of a VirtualService bound to gateways sends to a host without a subset, while another
 * VirtualService for that host routes it to a subset — the gateway's requests do not pass through that
 * VirtualService, so its subsets have no effect on them.
 */
public final class DestinationHostAnalyzer implements Analyzer {
    @Override
    public String name() {
        return "virtualservice.DestinationHostAnalyzer";
    }

    @Override
    public void analyze(AnalysisInput in, Messages out) {
        Map<String, List<AnalysisInput.Doc>> subsetRoutesByHost = subsetRoutesByHost(in);
        for (AnalysisInput.Doc vs : in.all("VirtualService")) {
            checkHosts(in, vs, out);
            checkIngressSubsets(vs, subsetRoutesByHost, out);
        }
    }

    private static void checkHosts(AnalysisInput in, AnalysisInput.Doc vs, Messages out) {
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
                String what = d.path().contains(".mirror") ? "mirror host" : "host";
                out.error("IST0101", vs, d.path() + ".host", "Referenced " + what + " not found: \"" + d.host() + "\"");
                continue;
            }
            List<Integer> ports = found.get().ports();
            if (d.destination().path("port").isObject()) {
                int port = d.destination().path("port").path("number").asInt(0);
                if (!ports.contains(port)) {
                    out.error("IST0101", vs, d.path() + ".port.number",
                            "Referenced host:port not found: \"" + d.host() + ":" + port + "\"");
                }
            } else if (ports.size() > 1) {
                out.error("IST0112", vs, d.path(), "This VirtualService routes to a service \"" + d.host() + "\" that exposes multiple ports ["
                        + ports.stream().map(String::valueOf).collect(Collectors.joining(" "))
                        + "]. Specifying a port in the destination is required to disambiguate.");
            }
        }
    }

    /**
     * The VirtualServices that route one of their own hosts to a subset of it, by that host as written: one entry
     * per such destination (and host), as Istio counts them.
     */
    private static Map<String, List<AnalysisInput.Doc>> subsetRoutesByHost(AnalysisInput in) {
        Map<String, List<AnalysisInput.Doc>> out = new HashMap<>();
        for (AnalysisInput.Doc vs : in.all("VirtualService")) {
            List<String> hosts = AnalysisInput.texts(vs.spec().path("hosts"));
            for (JsonNode http : vs.spec().path("http")) {
                for (JsonNode route : http.path("route")) {
                    JsonNode dest = route.path("destination");
                    if (!dest.path("subset").asText("").isEmpty()) {
                        String host = dest.path("host").asText("");
                        hosts.stream().filter(host::equals).forEach(h -> out.computeIfAbsent(h, k -> new ArrayList<>()).add(vs));
                    }
                }
            }
        }
        return out;
    }

    private static void checkIngressSubsets(AnalysisInput.Doc vs, Map<String, List<AnalysisInput.Doc>> subsetRoutesByHost, Messages out) {
        if (vs.spec().path("gateways").isEmpty()) {
            return;
        }
        JsonNode http = vs.spec().path("http");
        for (int i = 0; i < http.size(); i++) {
            JsonNode routes = http.path(i).path("route");
            for (int j = 0; j < routes.size(); j++) {
                JsonNode dest = routes.path(j).path("destination");
                if (!dest.path("subset").asText("").isEmpty()) {
                    continue;
                }
                for (AnalysisInput.Doc other : subsetRoutesByHost.getOrDefault(dest.path("host").asText(""), List.of())) {
                    out.warning("IST0140", vs, "spec.http[" + i + "].route[" + j + "].destination.host", "Subset in virtual service "
                            + GatewayAnalyzers.fullName(other) + " has no effect on ingress gateway " + GatewayAnalyzers.fullName(vs) + " requests");
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
