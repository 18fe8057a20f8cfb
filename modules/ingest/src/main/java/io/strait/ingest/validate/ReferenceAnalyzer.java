package io.strait.ingest.validate;

import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.ResourceKey;
import io.strait.model.istio.VirtualService;
import io.strait.model.mesh.MeshModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rules across resources: one definition per resource name, and every route destination names a known host,
 * a port of it and a subset its DestinationRule defines. This is what makes "a route to a cluster the proxy
 * does not have" impossible downstream.
 */
public final class ReferenceAnalyzer {

    public void analyze(List<LoadedResource> resources, MeshModel model, Findings f) {
        Map<ResourceKey, LoadedResource> seen = new HashMap<>();
        for (LoadedResource r : resources) {
            LoadedResource first = seen.putIfAbsent(r.resource().key(), r);
            if (first != null) {
                f.error(r, Findings.SCHEMA, "metadata.name", r.displayName() + " is also defined at "
                        + first.document().file() + ":" + first.document().start().line() + "; names must be unique");
            }
            if (r.resource().spec() instanceof VirtualService vs) {
                destinations(r, vs, model, f);
            }
        }
    }

    private void destinations(LoadedResource r, VirtualService vs, MeshModel model, Findings f) {
        for (int i = 0; i < vs.http().size(); i++) {
            VirtualService.HttpRoute route = vs.http().get(i);
            if (route == null) {
                continue;
            }
            for (int k = 0; k < route.route().size(); k++) {
                VirtualService.HttpRouteDestination d = route.route().get(k);
                if (d == null || d.destination() == null || d.destination().host() == null) {
                    continue; // reported by the field validator
                }
                String path = "spec.http[" + i + "].route[" + k + "].destination";
                VirtualService.Destination dest = d.destination();
                String host = MeshModel.fqdn(dest.host(), r.resource().namespace());
                Optional<MeshModel.Service> service = model.service(host);
                if (service.isEmpty()) {
                    f.error(r, Findings.NOT_FOUND, path + ".host", "Referenced host not found: \"" + dest.host()
                            + "\"; declare it with a ServiceEntry or fix the name");
                    continue;
                }
                Integer port = dest.port() == null ? null : dest.port().number();
                if (port != null && service.get().port(port).isEmpty()) {
                    f.error(r, Findings.NOT_FOUND, path + ".port.number", "port " + port + " is not a port of " + host);
                } else if (port == null && service.get().entry().ports().size() > 1) {
                    f.error(r, Findings.SCHEMA, path + ".port", host + " has several ports; name one with port.number");
                }
                if (dest.subset() != null && model.subset(host, dest.subset()).isEmpty()) {
                    f.error(r, Findings.NOT_FOUND, path + ".subset", "Referenced host+subset in destinationrule not found: \""
                            + dest.host() + "+" + dest.subset() + "\"; define subset \"" + dest.subset()
                            + "\" in the DestinationRule for " + host + " (in this revision)");
                }
            }
        }
    }
}
