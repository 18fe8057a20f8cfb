package io.strait.translate.runner;

import io.strait.model.mesh.MeshModel;
import io.strait.model.mesh.ServiceRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a registry step can reach, decided from the models before and after it (pure). A step is about the hostnames
 * of the services it changed ({@link #hosts}). It is <em>endpoint-only</em> ({@link #endpointOnly}) when each of
 * those hosts is a registry service before and after with the same ports, addresses, labels and workload identities:
 * only its endpoints moved (addresses, pod labels, health, locality), so the assignments served by name are all that
 * change — Istio's EDS-only push. Anything else (a service added or removed, its ports changed, a ServiceEntry's host
 * taken or given back, new service accounts) is a translation of the scopes that see those hosts ({@link ChangeImpact}).
 */
final class RegistryChanges {
    private RegistryChanges() {
    }

    /** The hostnames a step touches: of each changed service as it was and as it is. */
    static Set<String> hosts(ServiceRegistry before, Map<String, ServiceRegistry.ClusterService> changes) {
        Set<String> out = new TreeSet<>();
        changes.forEach((key, now) -> {
            before.service(key).ifPresent(was -> out.add(was.hostname()));
            if (now != null) {
                out.add(now.hostname());
            }
        });
        return out;
    }

    /**
     * The hosts whose endpoints alone changed, when that is all the step changed; empty when some host changed more
     * (or the mTLS of clients may read the endpoints' labels: a workload-selecting PeerAuthentication).
     */
    static Optional<Set<String>> endpointOnly(Set<String> hosts, MeshModel before, MeshModel after) {
        // an east-west gateway's endpoints are registry endpoints too: one that moved is no endpoint-only step
        if (!EndpointChanges.endpointsStandAlone(before, after)) {
            return Optional.empty();
        }
        for (String host : hosts) {
            Optional<MeshModel.Service> was = before.service(host);
            Optional<MeshModel.Service> is = after.service(host);
            if (was.isEmpty() || is.isEmpty() || !fromRegistry(was.get()) || !fromRegistry(is.get())
                    || !was.get().declaredBy().equals(is.get().declaredBy())
                    || !EndpointChanges.withoutEndpoints(was.get().entry()).equals(EndpointChanges.withoutEndpoints(is.get().entry()))
                    || !before.labelsOf(was.get()).equals(after.labelsOf(is.get()))
                    || !before.identitiesOf(was.get()).equals(after.identitiesOf(is.get()))) {
                return Optional.empty();
            }
        }
        return Optional.of(hosts);
    }

    private static boolean fromRegistry(MeshModel.Service s) {
        return s.declaredBy().kind().equals(ServiceRegistry.SERVICE_KIND);
    }
}
