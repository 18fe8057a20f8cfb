package io.strait.model.mesh;

import io.strait.model.istio.DestinationRule;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.ResourceKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which DestinationRule a proxy gets for a host, as Istio resolves it (its push context's destination-rule index and
 * the sidecar scope's pick):
 * <ol>
 *   <li>the rules of the proxy's own namespace that are visible there (no {@code exportTo}, {@code *}, {@code .} or
 *       the namespace itself) — for a proxy of the root namespace, the root namespace's private rules;</li>
 *   <li>else the rules of the service's namespace exported to the proxy's namespace;</li>
 *   <li>else the rules of the MeshConfig's root namespace exported to it.</li>
 * </ol>
 * At each step the most specific host wins: the exact host, else the longest wildcard that matches
 * ({@code *.ns.svc.cluster.local} over {@code *.local} over {@code *}), and the first step that has one decides (even
 * when, its rules all selecting other workloads, the proxy gets none). Rules of one namespace for the same host with
 * the same {@code exportTo} and neither selecting workloads (or both the same ones) are merged: the subsets of the
 * later ones are added unless a subset of that name exists, and the first top-level traffic policy stays. A rule with
 * a {@code workloadSelector} applies only to the selected workloads of its own namespace and is never exported; among
 * the rules of a host a proxy gets the one selecting it, else the last without selector. Rules are taken in
 * namespace/name order (Istio: creation time), so every translator resolves alike.
 *
 * <p>For translation, {@link #viewFor} gives a namespace's (and labels') resolution of every service host as one
 * interned {@link View}: the proxies of every namespace that resolves each service alike share one view instance, so
 * what is computed per view (clusters, assignments) is computed once for all of them.
 */
public final class DestinationRules {
    /** The namespace a proxy no rule names has: no Kubernetes namespace is spelled so. */
    private static final String NOWHERE = "(no namespace)";

    /**
     * A host's rule as a proxy gets it: one DestinationRule, or several of one namespace merged. One instance per
     * consolidation, compared by identity; {@link #id} names it ({@code namespace/name} of its first rule).
     */
    public static final class Resolved {
        private final String id;
        private final String namespace;
        private final DestinationRule rule;
        private final List<ResourceKey> sources;
        private final List<String> exportTo;
        private final io.strait.model.istio.PeerAuthentication.WorkloadSelector selector;

        private Resolved(IstioResource first, DestinationRule merged, List<ResourceKey> sources, List<String> exportTo) {
            this.id = first.namespace() + "/" + first.name();
            this.namespace = first.namespace();
            this.rule = merged;
            this.sources = List.copyOf(sources);
            this.exportTo = exportTo;
            this.selector = merged.selectsWorkloads() ? merged.workloadSelector() : null;
        }

        /** {@code namespace/name} of the first rule merged in: unique per consolidation, stable across revisions. */
        public String id() {
            return id;
        }

        /** The namespace the rule (or rules) live in. */
        public String namespace() {
            return namespace;
        }

        /** The rule, merged when several of one namespace name the same host. */
        public DestinationRule rule() {
            return rule;
        }

        /** The rules merged into it, in order. */
        public List<ResourceKey> sources() {
            return sources;
        }

        /** The subset of this name, if the rule defines one. */
        public Optional<DestinationRule.Subset> subset(String name) {
            return rule.subsets().stream().filter(s -> s != null && name.equals(s.name())).findFirst();
        }

        /** Whether the two are the same consolidation of the same rules (of two models). */
        boolean sameAs(Resolved other) {
            return id.equals(other.id) && rule.equals(other.rule) && sources.equals(other.sources)
                    && exportTo.equals(other.exportTo) && java.util.Objects.equals(selector, other.selector);
        }

        @Override
        public String toString() {
            return "DestinationRule " + id + (sources.size() > 1 ? " (merged with " + (sources.size() - 1) + " more)" : "");
        }
    }

    /**
     * A viewer's resolution of every service host, interned: equal resolutions are one instance. A host that is no
     * service resolves as for a namespace no rule names (its cluster is not one any scope owns alone).
     */
    public static final class View {
        private final Map<String, Resolved> byHost;
        private final DestinationRules rules;

        private View(Map<String, Resolved> byHost, DestinationRules rules) {
            this.byHost = byHost;
            this.rules = rules;
        }

        /** The rule this viewer gets for {@code host}, if any. */
        public Optional<Resolved> forHost(String host) {
            Resolved r = byHost.get(host);
            if (r != null || byHost.containsKey(host)) {
                return Optional.ofNullable(r);
            }
            return Optional.ofNullable(rules.resolve(host, null, NOWHERE, Map.of()));
        }

        /** Whether every host resolves here as for a namespace no rule names ({@link DestinationRules#shared}). */
        public boolean isShared() {
            return this == rules.shared;
        }
    }

    /** The rules of one namespace, consolidated, with the index a lookup reads. */
    private static final class Pool {
        final Map<String, List<Resolved>> exact = new HashMap<>();
        final Map<String, List<Resolved>> wildcard = new HashMap<>();

        void add(String host, Resolved r) {
            (host.startsWith("*") ? wildcard : exact).computeIfAbsent(host, h -> new ArrayList<>()).add(r);
        }

        /** The rules of the most specific host matching {@code host}, or null. */
        List<Resolved> match(String host) {
            List<Resolved> found = exact.get(host);
            if (found != null) {
                return found;
            }
            String best = null;
            for (String pattern : wildcard.keySet()) {
                if (matches(pattern, host) && (best == null || pattern.length() > best.length())) {
                    best = pattern;
                }
            }
            return best == null ? null : wildcard.get(best);
        }
    }

    private final String root;
    private final List<String> defaultExportTo;
    private final Map<String, Pool> local = new HashMap<>();
    private final Map<String, Pool> exported = new HashMap<>();
    private final Pool rootLocal = new Pool();
    private final Map<String, Resolved> byId = new HashMap<>();
    /** Namespaces some rule names in its {@code exportTo}: visibility differs there. */
    private final Set<String> named = new java.util.HashSet<>();
    private final Map<Map<String, Resolved>, View> views = new ConcurrentHashMap<>();
    /** Per namespace without selecting rules, its view (labels change nothing there); with them, per labels too. */
    private final Map<String, View> byNamespace = new ConcurrentHashMap<>();
    private final Map<List<Object>, View> byViewer = new ConcurrentHashMap<>();
    /** Namespaces with a rule that selects workloads: there a proxy's labels choose among the rules. */
    private final Set<String> selecting = new java.util.HashSet<>();
    private final Map<String, String> serviceNamespaces;
    /** Namespaces with rules that resolve every host as {@link #shared} does (see the constructor): no resolution of their own. */
    private final Set<String> resolvesAsShared = new java.util.HashSet<>();
    private final View shared;

    private DestinationRules(Collection<IstioResource> rules, Collection<MeshModel.Service> services, String root,
                             List<String> defaultExportTo, DestinationRules earlier) {
        this.root = root;
        this.defaultExportTo = defaultExportTo;
        Map<String, List<Consolidation>> byNamespace = new HashMap<>();
        for (IstioResource r : rules) { // in key order
            DestinationRule dr = (DestinationRule) r.spec();
            if (dr.host() == null) {
                continue;
            }
            String host = MeshModel.fqdn(dr.host(), r.namespace());
            List<String> exportTo = dr.selectsWorkloads() ? List.of(".") : dr.exportTo();
            if (dr.selectsWorkloads()) {
                selecting.add(r.namespace());
            }
            exportTo.stream().filter(ns -> ns != null && !ns.equals(".") && !ns.equals("*")).forEach(named::add);
            List<Consolidation> pool = byNamespace.computeIfAbsent(r.namespace(), ns -> new ArrayList<>());
            Consolidation into = pool.stream().filter(c -> c.accepts(host, exportTo, dr)).findFirst().orElse(null);
            if (into == null) {
                pool.add(new Consolidation(host, exportTo, r));
            } else {
                into.merge(r);
            }
        }
        Map<String, String> svcNs = new HashMap<>();
        services.forEach(s -> svcNs.put(s.host(), s.namespace()));
        this.serviceNamespaces = svcNs;
        byNamespace.forEach((ns, consolidations) -> {
            // a namespace whose rules are all exported everywhere, each about one of its own services' exact hosts,
            // and selecting no workloads, resolves every host as a namespace no rule names does: its own rule for its
            // own service is the one exported everywhere, and no other namespace's rule names it (row D's 50)
            boolean plain = !ns.equals(root) && !named.contains(ns) && !selecting.contains(ns);
            for (Consolidation c : consolidations) {
                Resolved resolved = c.resolved();
                Resolved before = earlier == null ? null : earlier.byId.get(resolved.id());
                if (before != null && before.sameAs(resolved)) {
                    resolved = before; // an unchanged rule is the same instance in both models: see MeshModel.adopt
                }
                byId.put(resolved.id(), resolved);
                List<String> exportTo = effective(c.exportTo);
                boolean visibleHere = MeshModel.exportedTo(exportTo, ns, ns);
                boolean privateOnly = exportTo.size() == 1 && (exportTo.contains(".") || exportTo.contains(ns));
                if (visibleHere) {
                    local.computeIfAbsent(ns, n -> new Pool()).add(c.host, resolved);
                }
                if (!privateOnly) {
                    exported.computeIfAbsent(ns, n -> new Pool()).add(c.host, resolved);
                } else if (ns.equals(root)) {
                    rootLocal.add(c.host, resolved);
                }
                plain &= (exportTo.isEmpty() || exportTo.contains("*")) && !c.host.startsWith("*") && ns.equals(svcNs.get(c.host));
            }
            if (plain) {
                resolvesAsShared.add(ns);
            }
        });
        this.shared = intern(resolveAll(NOWHERE, Map.of()));
    }

    /**
     * The index of a model's DestinationRules (in key order) for its services, taking {@code earlier}'s instance of each
     * consolidated rule that is unchanged (null: none).
     */
    static DestinationRules of(Collection<IstioResource> rules, Collection<MeshModel.Service> services, String rootNamespace,
                               List<String> defaultExportTo, DestinationRules earlier) {
        return new DestinationRules(rules, services, rootNamespace, defaultExportTo, earlier);
    }

    /** Rules of one namespace being merged, as Istio's consolidated rule. */
    private static final class Consolidation {
        final String host;
        final List<String> exportTo;
        final IstioResource first;
        final List<ResourceKey> sources = new ArrayList<>();
        DestinationRule merged;

        Consolidation(String host, List<String> exportTo, IstioResource first) {
            this.host = host;
            this.exportTo = exportTo;
            this.first = first;
            this.merged = (DestinationRule) first.spec();
            sources.add(first.key());
        }

        boolean accepts(String otherHost, List<String> otherExportTo, DestinationRule other) {
            return host.equals(otherHost) && new LinkedHashSet<>(exportTo).equals(new LinkedHashSet<>(otherExportTo))
                    && merged.selectsWorkloads() == other.selectsWorkloads()
                    && (!other.selectsWorkloads() || merged.workloadSelector().equals(other.workloadSelector()));
        }

        void merge(IstioResource r) {
            DestinationRule other = (DestinationRule) r.spec();
            List<DestinationRule.Subset> subsets = new ArrayList<>(merged.subsets());
            Set<String> names = new java.util.HashSet<>();
            subsets.forEach(s -> names.add(s == null ? null : s.name()));
            for (DestinationRule.Subset s : other.subsets()) {
                if (s != null && names.add(s.name())) {
                    subsets.add(s);
                }
            }
            merged = new DestinationRule(merged.host(), merged.trafficPolicy() != null ? merged.trafficPolicy() : other.trafficPolicy(),
                    subsets, merged.exportTo(), merged.workloadSelector());
            sources.add(r.key());
        }

        Resolved resolved() {
            return new Resolved(first, merged, sources, exportTo);
        }
    }

    /**
     * The rule a proxy of {@code viewerNamespace} with {@code labels} gets for {@code host}, a service of
     * {@code serviceNamespace} (null when the host is no service), or null.
     */
    Resolved resolve(String host, String serviceNamespace, String viewerNamespace, Map<String, String> labels) {
        Pool own = viewerNamespace.equals(root) ? rootLocal : local.get(viewerNamespace);
        List<Resolved> found = own == null ? null : own.match(host);
        if (found != null) {
            return pick(found, viewerNamespace, labels);
        }
        if (serviceNamespace != null) {
            Resolved r = exportedFrom(serviceNamespace, host, viewerNamespace, labels);
            if (r != null) {
                return r;
            }
        }
        return exportedFrom(root, host, viewerNamespace, labels);
    }

    private Resolved exportedFrom(String owner, String host, String viewerNamespace, Map<String, String> labels) {
        Pool pool = exported.get(owner);
        List<Resolved> found = pool == null ? null : pool.match(host);
        if (found == null) {
            return null;
        }
        List<Resolved> visible = new ArrayList<>(found.size());
        for (Resolved r : found) {
            if (visibleTo(r, viewerNamespace)) {
                visible.add(r);
            }
        }
        return visible.isEmpty() ? null : pick(visible, viewerNamespace, labels);
    }

    private boolean visibleTo(Resolved r, String viewerNamespace) {
        return MeshModel.exportedTo(effective(r.exportTo), r.namespace, viewerNamespace);
    }

    /** A rule's {@code exportTo}, or the MeshConfig's {@code defaultDestinationRuleExportTo} when it has none. */
    private List<String> effective(List<String> exportTo) {
        return exportTo.isEmpty() ? defaultExportTo : exportTo;
    }

    /** Istio's sidecar-scope pick: the rule selecting the proxy (in its own namespace), else the last without selector. */
    private static Resolved pick(List<Resolved> rules, String viewerNamespace, Map<String, String> labels) {
        Resolved catchAll = null;
        for (Resolved r : rules) {
            if (r.selector == null) {
                catchAll = r;
            } else if (r.namespace.equals(viewerNamespace) && r.selector.matches(labels)) {
                return r;
            }
        }
        return catchAll;
    }

    /** Whether a DestinationRule host ({@code *}, {@code *.suffix} or a name) matches a service host. */
    public static boolean matches(String pattern, String host) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.startsWith("*")) {
            return host.endsWith(pattern.substring(1));
        }
        return pattern.equals(host);
    }

    private Map<String, Resolved> resolveAll(String viewerNamespace, Map<String, String> labels) {
        Map<String, Resolved> out = new HashMap<>(serviceNamespaces.size() * 2);
        serviceNamespaces.forEach((host, ns) -> out.put(host, resolve(host, ns, viewerNamespace, labels)));
        return out;
    }

    private View intern(Map<String, Resolved> byHost) {
        // Resolved compares by identity, so equal maps mean the same rules for every host
        return views.computeIfAbsent(byHost, m -> new View(m, this));
    }

    /**
     * The resolution of every service host for the proxies of {@code namespace} with {@code labels}: the same instance
     * for every viewer that resolves each host alike (most namespaces: those whose own rules, if any, concern only
     * their own services and are exported everywhere).
     */
    public View viewFor(String namespace, Map<String, String> labels) {
        if ((!local.containsKey(namespace) && !named.contains(namespace) && !namespace.equals(root))
                || resolvesAsShared.contains(namespace)) {
            return shared; // nothing here resolves differently from a namespace no rule names
        }
        if (!selecting.contains(namespace)) {
            return byNamespace.computeIfAbsent(namespace, ns -> intern(resolveAll(ns, Map.of())));
        }
        return byViewer.computeIfAbsent(List.of(namespace, Map.copyOf(labels)), v -> intern(resolveAll(namespace, labels)));
    }

    /** The resolution for a namespace no rule names and no selector picks: what a rule served by name is read with. */
    public View shared() {
        return shared;
    }

    /** The consolidated rule of this {@link Resolved#id}, if the model has it. */
    public Optional<Resolved> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }
}
