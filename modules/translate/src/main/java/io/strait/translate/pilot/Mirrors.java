package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.strait.model.istio.VirtualService.Destination;
import io.strait.model.istio.VirtualService.HttpRoute;
import io.strait.model.istio.VirtualService.Percent;
import io.strait.model.mesh.MeshModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code mirror} / {@code mirrorPercentage} and {@code mirrors}: Envoy copies that share of the route's requests to
 * another cluster and drops the answers. The mirror clusters join the scope like any routed cluster. Proxyless gRPC
 * does not mirror; Envoy proxies do.
 */
final class Mirrors {
    private Mirrors() {
    }

    static void apply(HttpRoute http, String namespace, MeshModel model, Set<ClusterRef> referenced, RouteAction.Builder action) {
        List<Mirror> mirrors = new ArrayList<>();
        if (http.mirror() != null) {
            mirrors.add(new Mirror(http.mirror(), http.mirrorPercentage()));
        }
        http.mirrors().forEach(m -> mirrors.add(new Mirror(m.destination(), m.percentage())));
        for (Mirror m : mirrors) {
            Destination d = m.destination();
            if (d == null || d.host() == null || model.service(MeshModel.fqdn(d.host(), namespace)).isEmpty()) {
                continue; // an unknown host is refused at ingest (IST0101); never fail a whole scope over a mirror
            }
            ClusterRef ref = RouteDestinations.resolve(d, namespace, model);
            referenced.add(ref);
            action.addRequestMirrorPolicies(RouteAction.RequestMirrorPolicy.newBuilder().setCluster(ref.name())
                    .setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(Faults.perMillion(m.percentage()))));
        }
    }

    private record Mirror(Destination destination, Percent percentage) {
    }
}
