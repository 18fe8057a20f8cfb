package io.strait.translate.runner;

import io.strait.model.istio.DestinationRule;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.Kind;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.istio.VirtualService;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.model.proxy.ProxyType;
import io.strait.translate.pilot.ClusterRef;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which scopes a revision can change, so that a one-service change translates the few scopes that see that service
 * rather than all of them (Istio's push scoping by the hosts a change is about). A change to a ServiceEntry,
 * DestinationRule or mesh VirtualService is about its hosts; it can change a scope only if the scope sees one of
 * them (before or after) or carries a cluster of one (a route or mirror to a service it does not see). Gateways are
 * re-translated on every revision (few, and bound to VirtualServices by name). Anything else — Sidecars, Gateways,
 * selectors, delegation, wildcard hosts, a switch of locality-aware balancing, a change of the networks' gateways, PeerAuthentications (a workload's
 * inbound chains, and the mTLS of every client of its services) — translates every scope, the simplest correct reach.
 * An AuthorizationPolicy is about no host: it changes only the inbound filters (and ext_authz cluster) of the
 * workloads it selects, before or after the change ({@link #policies}) — its namespace's for a namespace-wide one,
 * every namespace's for one in the root namespace. The test
 * {@code ChangeImpactTest} checks the promise: a scope left out translates to exactly what it had.
 */
final class ChangeImpact {
    private ChangeImpact() {
    }

    /** The hosts the changes are about; empty when some change may reach beyond the scopes that see its hosts. */
    static Optional<Set<String>> hosts(Collection<ConfigChange> changes, MeshModel before, MeshModel after) {
        if (before.usesLocality() != after.usesLocality() || !before.networks().equals(after.networks())) {
            return Optional.empty(); // gateways reach every scope with a cluster that has endpoints behind them
        }
        Set<String> hosts = new HashSet<>();
        for (ConfigChange c : changes) {
            for (IstioResource r : java.util.Arrays.asList(c.before(), c.after())) {
                if (r != null && !addHosts(r, hosts)) {
                    return Optional.empty();
                }
            }
        }
        return hosts.stream().anyMatch(h -> h.contains("*")) ? Optional.empty() : Optional.of(hosts);
    }

    /** Adds the hosts a resource is about; false when its reach is wider than the scopes that see them. */
    private static boolean addHosts(IstioResource r, Set<String> hosts) {
        String ns = r.key().namespace();
        if (r.kind() == Kind.SERVICE_ENTRY) {
            ServiceEntry e = (ServiceEntry) r.spec();
            if (e.workloadSelector() != null) {
                return false; // it also shapes the inbound listeners of the workloads it selects
            }
            e.hosts().forEach(h -> hosts.add(MeshModel.fqdn(h, ns)));
            return true;
        }
        if (r.kind() == Kind.AUTHORIZATION_POLICY || r.kind() == Kind.REQUEST_AUTHENTICATION) {
            return true; // reaches the scopes it selects, not those that see a host: see policies
        }
        if (r.kind() == Kind.DESTINATION_RULE) {
            hosts.add(MeshModel.fqdn(((DestinationRule) r.spec()).host(), ns));
            return true;
        }
        if (r.kind() == Kind.VIRTUAL_SERVICE) {
            VirtualService vs = (VirtualService) r.spec();
            boolean delegation = vs.hosts().isEmpty() || vs.http().stream().anyMatch(h -> h != null && h.delegate() != null);
            if (delegation) {
                return false;
            }
            if (vs.gateways().isEmpty() || vs.gateways().contains(VirtualService.MESH)) {
                vs.hosts().forEach(h -> hosts.add(MeshModel.fqdn(h, ns)));
            }
            return true; // bound to gateways only: gateways are translated on every revision
        }
        return false;
    }

    /**
     * The AuthorizationPolicies and RequestAuthentications among the changes, as they were and as they are (a scope
     * either selects is reached). A RequestAuthentication whose fetched keys changed is a change too: ingest
     * publishes the keys inside it.
     */
    static List<IstioResource> policies(Collection<ConfigChange> changes) {
        List<IstioResource> out = new java.util.ArrayList<>();
        for (ConfigChange c : changes) {
            for (IstioResource r : java.util.Arrays.asList(c.before(), c.after())) {
                if (r != null && (r.kind() == Kind.AUTHORIZATION_POLICY || r.kind() == Kind.REQUEST_AUTHENTICATION)) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /**
     * Whether a scope can be changed by changes about {@code hosts} and the security policies {@code policies}, knowing
     * whether its live manifest carries a cluster of one of the hosts ({@link #carries}).
     */
    static boolean affects(Set<String> hosts, List<IstioResource> policies, ProxyIdentity proxy, MeshModel before,
                           MeshModel after, boolean carries, java.util.Map<List<Object>, Boolean> seen) {
        for (IstioResource p : policies) {
            if (before.authorizationPolicyApplies(p, proxy.namespace(), proxy.labels())
                    || after.authorizationPolicyApplies(p, proxy.namespace(), proxy.labels())
                    || before.requestAuthenticationApplies(p, proxy.namespace(), proxy.labels())
                    || after.requestAuthenticationApplies(p, proxy.namespace(), proxy.labels())) {
                return true;
            }
        }
        return affects(hosts, proxy, before, after, carries, seen);
    }

    /**
     * Whether a scope can be changed by changes about {@code hosts}, knowing whether it carries a cluster of one
     * ({@link #carries}: the scopes of one input share their manifest's cluster list, so the caller asks once per list).
     *
     * @param seen memo shared across the scopes of one revision: what a proxy sees depends only on its namespace and
     *             the Sidecar that applies to it
     */
    static boolean affects(Set<String> hosts, ProxyIdentity proxy, MeshModel before, MeshModel after, boolean carries,
                           java.util.Map<List<Object>, Boolean> seen) {
        if (proxy.type() == ProxyType.ROUTER || carries) {
            return true;
        }
        List<Object> visibility = List.of(proxy.namespace(), before.sidecarFor(proxy), after.sidecarFor(proxy));
        return seen.computeIfAbsent(visibility, k -> sees(hosts, proxy, before) || sees(hosts, proxy, after));
    }

    /**
     * Whether one of the cluster names is an outbound cluster of one of the hosts. A name whose end is not
     * {@code |<host>} is not parsed: row D's 200 scopes carry 3,000 clusters each, of which a change is about one host.
     */
    static boolean carries(Set<String> hosts, Collection<String> clusters) {
        for (String cluster : clusters) {
            for (String host : hosts) {
                int at = cluster.length() - host.length() - 1;
                if (at > 0 && cluster.charAt(at) == '|' && cluster.endsWith(host)
                        && ClusterRef.parse(cluster).map(ClusterRef::host).filter(host::equals).isPresent()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean sees(Set<String> hosts, ProxyIdentity proxy, MeshModel model) {
        for (MeshModel.Service s : model.servicesFor(proxy)) {
            if (hosts.contains(s.host())) {
                return true;
            }
        }
        return false;
    }
}
