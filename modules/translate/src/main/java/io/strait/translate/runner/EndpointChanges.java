package io.strait.translate.runner;

import io.strait.model.istio.IstioResource;
import io.strait.model.istio.Kind;
import io.strait.model.istio.LabelSelector;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.istio.WorkloadEntry;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.translate.pilot.ScopeTranslator;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a revision changed endpoints and nothing else: WorkloadEntries, and ServiceEntries whose only
 * difference is their {@code endpoints}. Such a revision changes no cluster, listener or route of any scope — only
 * the assignments of the services it touches — so the translator recomputes those assignments by name instead of
 * every scope (Istio's EDS-only push) — unless the endpoints' identities (the clusters' mTLS SANs) change, or a
 * workload-selecting PeerAuthentication may read their labels, or a gRPC server's inbound ports move with its own
 * WorkloadEntry ({@link #movesGrpcServers}). Conservative: anything it cannot prove endpoint-only is a full translation.
 */
final class EndpointChanges {
    private EndpointChanges() {
    }

    /**
     * The service hosts whose endpoints the changes touch, when that is all they touch; empty when some change may
     * affect more (then every scope is translated).
     */
    static Optional<Set<String>> affectedHosts(Collection<ConfigChange> changes, MeshModel before, MeshModel after) {
        // with locality-aware balancing an assignment depends on each caller's locality: it is not served by name
        if (before.usesLocality() || after.usesLocality()) {
            return Optional.empty();
        }
        if (!endpointsStandAlone(before, after)) {
            return Optional.empty();
        }
        Set<String> hosts = new HashSet<>();
        for (ConfigChange c : changes) {
            IstioResource any = c.after() != null ? c.after() : c.before();
            if (any == null) {
                continue;
            }
            if (any.kind() == Kind.WORKLOAD_ENTRY) {
                for (IstioResource r : java.util.Arrays.asList(c.before(), c.after())) {
                    if (r != null) {
                        selecting(before, r, hosts);
                        selecting(after, r, hosts);
                    }
                }
            } else if (any.kind() == Kind.SERVICE_ENTRY && onlyEndpointsDiffer(c)) {
                for (MeshModel model : List.of(before, after)) {
                    model.services().stream().filter(s -> s.declaredBy().equals(any.key())).forEach(s -> hosts.add(s.host()));
                }
            } else {
                return Optional.empty();
            }
        }
        for (String host : hosts) {
            List<String> identitiesBefore = before.service(host).map(before::identitiesOf).orElse(List.of());
            List<String> identitiesAfter = after.service(host).map(after::identitiesOf).orElse(List.of());
            if (!identitiesBefore.equals(identitiesAfter)) {
                return Optional.empty();
            }
        }
        // a DNS service carries its endpoints in its cluster (CDS), not in an assignment
        for (String host : hosts) {
            for (MeshModel model : List.of(before, after)) {
                Optional<MeshModel.Service> s = model.service(host);
                if (s.isPresent() && !List.of("STATIC", "NONE").contains(String.valueOf(s.get().entry().resolution()))) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(hosts);
    }

    /**
     * Whether an endpoint change moves the inbound listeners of a proxyless gRPC server among {@code scopes}: they
     * are built from the ports of the server's own WorkloadEntries, so a WorkloadEntry's port (or labels) change is
     * a listener change for it, not only an assignment change.
     */
    static boolean movesGrpcServers(Collection<ProxyIdentity> scopes, MeshModel before, MeshModel after) {
        for (ProxyIdentity proxy : scopes) {
            if (!ScopeTranslator.grpcInboundPorts(before, proxy).equals(ScopeTranslator.grpcInboundPorts(after, proxy))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether an assignment can change without any scope changing, as far as the mesh as a whole goes (the hosts'
     * own identities are checked by the callers): no workload-selecting PeerAuthentication — with one, the clusters'
     * mTLS reads the endpoints' labels (whether a gRPC client's auto mTLS is on) — and the same networks, since a
     * gateway that moved (or a network's endpoints rule) changes the assignments of every service with remote
     * endpoints, and a first or last gateway every cluster's assignment name and SNI. Shared by config changes (here)
     * and registry steps ({@link RegistryChanges#endpointOnly}).
     */
    static boolean endpointsStandAlone(MeshModel before, MeshModel after) {
        return !hasWorkloadPeerAuthentication(before) && !hasWorkloadPeerAuthentication(after)
                && before.networks().equals(after.networks());
    }

    static boolean hasWorkloadPeerAuthentication(MeshModel model) {
        return model.ofKind(io.strait.model.istio.PeerAuthentication.class).stream().anyMatch(r -> r.spec() instanceof io.strait.model.istio.PeerAuthentication pa
                && !pa.namespaceWide());
    }

    private static boolean onlyEndpointsDiffer(ConfigChange c) {
        if (c.before() == null || c.after() == null || !c.before().metadata().equals(c.after().metadata())) {
            return false; // a service added or removed, or relabelled: visibility and routes may change
        }
        return withoutEndpoints((ServiceEntry) c.before().spec()).equals(withoutEndpoints((ServiceEntry) c.after().spec()));
    }

    static ServiceEntry withoutEndpoints(ServiceEntry e) {
        return new ServiceEntry(e.hosts(), e.addresses(), e.ports(), e.location(), e.resolution(), List.of(),
                e.exportTo(), e.workloadSelector(), e.subjectAltNames());
    }

    /** The services of the workload entry's namespace whose workload selector picks its labels. */
    private static void selecting(MeshModel model, IstioResource workloadEntry, Set<String> hosts) {
        String namespace = workloadEntry.key().namespace();
        java.util.Map<String, String> labels = ((WorkloadEntry) workloadEntry.spec()).labels();
        for (MeshModel.Service s : model.services()) {
            LabelSelector selector = s.entry().workloadSelector();
            if (selector != null && s.namespace().equals(namespace) && selector.matches(labels)) {
                hosts.add(s.host());
            }
        }
    }
}
