package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.strait.model.istio.DestinationRule;
import io.strait.model.istio.ServiceEntry;
import io.strait.model.mesh.DestinationRules;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyType;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The clusters of the services a scope sees — a cluster per service port and one per DestinationRule subset — in
 * name order, computed once per model for every scope that sees the same services ({@link MeshModel#derived}), with
 * the clusters and assignments built from them per proxy kind, locality and network. In a mesh where every proxy sees
 * every service (row D: 50 translation inputs of the same 1,000 services), each input used to gather its 3,000
 * clusters into a sorted set and look each cluster and assignment up again; now an input whose routes name no
 * cluster beyond them takes the lists as they are. {@link Gathered} is what one translation adds to them.
 */
final class VisibleClusters {
    /** The clusters, in name order. */
    final List<ClusterRef> sorted;
    private final Set<ClusterRef> index;

    /**
     * Sets of clusters found to hold none beyond these, by identity: a service port's mesh routes name the same set
     * instance in every translation of a model ({@code RouteConfigs}), so row D's 50 inputs ask once per service
     * port, not once per cluster named (3,000 hash lookups an input). Shared by the inputs translated in parallel.
     */
    private final Set<Object> covered = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private VisibleClusters(List<ClusterRef> sorted) {
        this.sorted = sorted;
        this.index = new HashSet<>(sorted);
    }

    /** A key comparing by identity (what {@link #covered} holds). */
    private record Identity(Object of) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Identity i && i.of == of;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(of);
        }
    }

    /**
     * What the clusters of a list of services are keyed by: the services themselves, element by element, and the
     * DestinationRules as the scope resolves them (one instance for every scope that resolves them alike, which
     * compares by identity).
     */
    private record Key(Instances services, DestinationRules.View rules) {
    }

    /** The clusters and assignments built from these clusters for one proxy kind, locality and network. */
    record Built(List<Cluster> clusters, List<ClusterLoadAssignment> assignments) {
    }

    /** What {@link Built} is keyed by; the clusters compare by identity (one instance per model and services). */
    private record BuiltKey(VisibleClusters visible, ProxyType type, String locality, String network) {
    }

    /**
     * The clusters of {@code services} in {@code model}, with the subsets of their DestinationRules as {@code rules}
     * resolve them (the same instance for every caller with the same services and rules).
     */
    static VisibleClusters of(MeshModel model, List<MeshModel.Service> services, DestinationRules.View rules) {
        return model.derived(new Key(new Instances(services), rules), k -> {
            TreeSet<ClusterRef> refs = new TreeSet<>();
            for (MeshModel.Service service : services) {
                for (ServiceEntry.ServicePort port : service.entry().ports()) {
                    refs.add(new ClusterRef(service.host(), port.number(), null));
                    for (DestinationRule.Subset subset : rules.forHost(service.host())
                            .map(r -> r.rule().subsets()).orElse(List.of())) {
                        refs.add(new ClusterRef(service.host(), port.number(), subset.name()));
                    }
                }
            }
            return new VisibleClusters(List.copyOf(refs));
        });
    }

    /** These clusters built for one proxy kind, locality and network, by {@code build} (once per model). */
    Built built(MeshModel model, ProxyType type, String locality, String network, Function<List<ClusterRef>, Built> build) {
        return model.derived(new BuiltKey(this, type, locality, network), k -> build.apply(sorted));
    }

    /** A translation's clusters: these, and the ones its routes and filters add beyond them. */
    Gathered gather() {
        return new Gathered();
    }

    /** The set a translation adds the clusters it names to; only those beyond the visible ones are kept apart. */
    final class Gathered extends AbstractSet<ClusterRef> {
        private final TreeSet<ClusterRef> extra = new TreeSet<>();

        @Override
        public boolean add(ClusterRef ref) {
            return !index.contains(ref) && extra.add(ref);
        }

        /**
         * Adds the clusters a model's derived value names ({@link MeshModel#derived}: it never changes); a set known to
         * name none beyond the visible clusters is skipped.
         */
        void addDerived(Set<ClusterRef> refs) {
            Identity key = new Identity(refs);
            if (covered.contains(key)) {
                return;
            }
            boolean beyond = false;
            for (ClusterRef ref : refs) {
                if (!index.contains(ref)) {
                    beyond = true;
                    extra.add(ref);
                }
            }
            if (!beyond) {
                covered.add(key);
            }
        }

        @Override
        public boolean contains(Object o) {
            return o instanceof ClusterRef ref && (index.contains(ref) || extra.contains(ref));
        }

        @Override
        public Iterator<ClusterRef> iterator() {
            return all().iterator();
        }

        @Override
        public int size() {
            return sorted.size() + extra.size();
        }

        /** Whether the translation named no cluster beyond the visible ones. */
        boolean onlyVisible() {
            return extra.isEmpty();
        }

        /** Every cluster, in name order. */
        List<ClusterRef> all() {
            if (extra.isEmpty()) {
                return sorted;
            }
            TreeSet<ClusterRef> merged = new TreeSet<>(extra);
            merged.addAll(sorted);
            return new ArrayList<>(merged);
        }
    }
}
