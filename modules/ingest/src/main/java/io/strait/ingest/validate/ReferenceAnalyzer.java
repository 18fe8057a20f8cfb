package io.strait.ingest.validate;

import io.strait.ingest.analyze.AnalysisInput;
import io.strait.ingest.load.LoadedResource;
import io.strait.model.istio.ResourceKey;
import io.strait.model.istio.VirtualService;
import io.strait.model.mesh.MeshModel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a revision needs beyond Istio's analyzers: one definition per resource name, and — because this version
 * of Strait routes to ServiceEntry hosts only — no route to a host that only a Kubernetes Service declares.
 * (Unknown hosts, subsets and ports are Istio's IST0101 / IST0112, reported by the analyzers.)
 */
public final class ReferenceAnalyzer {

    public void analyze(List<LoadedResource> resources, MeshModel model, AnalysisInput registry, Findings f) {
        Map<ResourceKey, LoadedResource> seen = new HashMap<>();
        for (LoadedResource r : resources) {
            LoadedResource first = seen.putIfAbsent(r.resource().key(), r);
            if (first != null) {
                f.error(r, Findings.SCHEMA, "metadata.name", r.displayName() + " is also defined at "
                        + first.document().file() + ":" + first.document().start().line() + "; names must be unique");
            }
            if (r.resource().spec() instanceof VirtualService vs) {
                serviceEntryHostsOnly(r, vs, model, registry, f);
            }
        }
    }

    private void serviceEntryHostsOnly(LoadedResource r, VirtualService vs, MeshModel model, AnalysisInput registry, Findings f) {
        for (int i = 0; i < vs.tcp().size(); i++) {
            var routes = vs.tcp().get(i) == null ? List.<VirtualService.RouteDestination>of() : vs.tcp().get(i).route();
            for (int k = 0; k < routes.size(); k++) {
                var d = routes.get(k);
                serviceEntryHost(r, d == null ? null : d.destination(), "spec.tcp[" + i + "].route[" + k + "].destination.host", model, registry, f);
            }
        }
        for (int i = 0; i < vs.tls().size(); i++) {
            var routes = vs.tls().get(i) == null ? List.<VirtualService.RouteDestination>of() : vs.tls().get(i).route();
            for (int k = 0; k < routes.size(); k++) {
                var d = routes.get(k);
                serviceEntryHost(r, d == null ? null : d.destination(), "spec.tls[" + i + "].route[" + k + "].destination.host", model, registry, f);
            }
        }
        for (int i = 0; i < vs.http().size(); i++) {
            VirtualService.HttpRoute route = vs.http().get(i);
            String base = "spec.http[" + i + "]";
            delegate(r, route.delegate(), base + ".delegate", model, f);
            for (int k = 0; k < route.route().size(); k++) {
                serviceEntryHost(r, route.route().get(k).destination(), base + ".route[" + k + "].destination.host", model, registry, f);
            }
            serviceEntryHost(r, route.mirror(), base + ".mirror.host", model, registry, f);
            for (int k = 0; k < route.mirrors().size(); k++) {
                var mirror = route.mirrors().get(k);
                serviceEntryHost(r, mirror == null ? null : mirror.destination(), base + ".mirrors[" + k + "].destination.host", model, registry, f);
            }
        }
    }

    /** A delegate names a VirtualService without hosts that exists in this revision. */
    private void delegate(LoadedResource r, VirtualService.Delegate delegate, String path, MeshModel model, Findings f) {
        if (delegate == null || delegate.name() == null) {
            return;
        }
        String ns = delegate.namespace() != null ? delegate.namespace() : r.resource().namespace();
        var target = model.resource(new ResourceKey("VirtualService", ns, delegate.name()));
        if (target.isEmpty()) {
            f.error(r, Findings.NOT_FOUND, path, "Referenced delegate VirtualService not found: \"" + ns + "/"
                    + delegate.name() + "\"");
        } else if (!((VirtualService) target.get().spec()).hosts().isEmpty()) {
            f.error(r, Findings.SCHEMA, path, "VirtualService " + ns + "/" + delegate.name()
                    + " has hosts, so it is not a delegate: remove its hosts to delegate to it");
        }
    }

    private void serviceEntryHost(LoadedResource r, VirtualService.Destination dest, String path, MeshModel model,
                                  AnalysisInput registry, Findings f) {
        if (dest == null || dest.host() == null) {
            return;
        }
        String host = MeshModel.fqdn(dest.host(), r.resource().namespace());
        // a host a cluster's registry publishes is served from its endpoints: only a Service known from files alone is not
        boolean kubernetesOnly = model.service(host).isEmpty() && !registry.inClusterRegistry(host)
                && registry.all("Service").stream().anyMatch(s -> (s.name() + "." + s.namespace() + ".svc.cluster.local").equals(host));
        if (kubernetesOnly) {
            f.error(r, "STR0005", path, host
                    + " is a Kubernetes Service; this version of Strait routes only to hosts declared by a ServiceEntry");
        }
    }
}
