package io.strait.translate.pilot.authz;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.strait.model.istio.AuthorizationPolicy;
import io.strait.model.istio.IstioResource;
import io.strait.model.mesh.MeshModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The authorization filters of one workload's inbound traffic, from the AuthorizationPolicies that apply to it
 * ({@link MeshModel#authorizationPoliciesFor}), as Istio generates them: on Envoy HTTP chains the CUSTOM filters
 * (a shadow RBAC filter and ext_authz per provider) and the local ones (an RBAC filter each for AUDIT, DENY and
 * ALLOW, in that order), likewise on TCP chains with the network filters; on a proxyless gRPC server what grpc-java
 * enforces ({@link #grpc}). Where each list goes in a chain is {@code HttpFilters}'.
 */
public final class InboundAuthz {
    /** No policy applies: no filter anywhere. */
    public static final InboundAuthz NONE = new InboundAuthz(List.of(), MeshModel.EMPTY, TrustDomains.of("cluster.local", List.of()));
    static final String EXT_AUTHZ_HTTP = "envoy.filters.http.ext_authz";
    static final String EXT_AUTHZ_NETWORK = "envoy.filters.network.ext_authz";
    /** grpc-java's filter names must be distinct in a chain: the DENY filter's is suffixed, as Istio's grpcgen does. */
    static final String GRPC_DENY_FILTER = ExtAuthzProviders.RBAC_HTTP + ".DENY";
    private static final String DRY_RUN_ALLOW = "istio_dry_run_allow_";
    private static final String DRY_RUN_DENY = "istio_dry_run_deny_";
    private static final String EXT_AUTHZ_STATS = "istio_ext_authz_";
    private static final String BAD_CUSTOM = "-deny-due-to-bad-CUSTOM-action";
    private static final String TCP_STATS = "tcp.";

    private final List<IstioResource> policies;
    private final MeshModel model;
    private final TrustDomains trustDomains;

    private InboundAuthz(List<IstioResource> policies, MeshModel model, TrustDomains trustDomains) {
        this.policies = policies;
        this.model = model;
        this.trustDomains = trustDomains;
    }

    /** The filters of the workloads of {@code namespace} with {@code labels}. */
    public static InboundAuthz of(MeshModel model, String namespace, Map<String, String> labels) {
        List<IstioResource> policies = model.authorizationPoliciesFor(namespace, labels);
        if (policies.isEmpty()) {
            return NONE;
        }
        return new InboundAuthz(policies, model, TrustDomains.of(model.meshConfig().trustDomain(),
                model.meshConfig().trustDomainAliases()));
    }

    /**
     * The outbound clusters of the ext_authz providers the filters call: the scope must carry them (a Sidecar's
     * egress hosts may not name the authorizer), or ext_authz could not reach it.
     */
    public List<String> extAuthzClusters() {
        TreeSet<String> out = new TreeSet<>();
        for (IstioResource r : withAction(AuthorizationPolicy.CUSTOM)) {
            AuthorizationPolicy spec = (AuthorizationPolicy) r.spec();
            if (spec.provider() != null && spec.provider().name() != null) {
                try {
                    ExtAuthzProviders.Built b = ExtAuthzProviders.of(spec.provider().name(), model);
                    out.add(b.http().hasGrpcService() ? b.http().getGrpcService().getEnvoyGrpc().getClusterName()
                            : b.http().getHttpService().getServerUri().getCluster());
                } catch (NotEnforceable e) {
                    // a provider that cannot be used calls nothing: its policies deny instead
                }
            }
        }
        return List.copyOf(out);
    }

    /** Whether any policy applies. */
    public boolean isEmpty() {
        return policies.isEmpty();
    }

    private List<IstioResource> withAction(String action) {
        return policies.stream().filter(r -> ((AuthorizationPolicy) r.spec()).actionOrAllow().equals(action)).toList();
    }

    /** CUSTOM on an Envoy HTTP chain: per provider (sorted), a shadow RBAC filter then its ext_authz filter. */
    public List<HttpFilter> customHttp() {
        List<HttpFilter> out = new ArrayList<>();
        custom(Target.HTTP, (provider, rbac) -> out.add(httpFilter(ExtAuthzProviders.RBAC_HTTP, rbac)),
                (provider, built) -> out.add(httpFilter(EXT_AUTHZ_HTTP, built.http().toBuilder()
                        .setFilterEnabledMetadata(ExtAuthzProviders.enabledBy(ExtAuthzProviders.RBAC_HTTP, provider)).build())),
                (provider, rules) -> io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.newBuilder().setRules(rules).build(),
                (rules, shadowRules) -> httpRbac(rules, shadowRules, EXT_AUTHZ_STATS));
        return out;
    }

    /** CUSTOM on an Envoy TCP chain; an HTTP provider cannot check a connection and is left out, as in Istio. */
    public List<Filter> customTcp() {
        List<Filter> out = new ArrayList<>();
        custom(Target.TCP, (provider, rbac) -> out.add(filter(ExtAuthzProviders.RBAC_NETWORK, rbac)),
                (provider, built) -> out.add(filter(EXT_AUTHZ_NETWORK, built.tcp().toBuilder()
                        .setFilterEnabledMetadata(ExtAuthzProviders.enabledBy(ExtAuthzProviders.RBAC_NETWORK, provider)).build())),
                (provider, rules) -> io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.newBuilder().setRules(rules)
                        .setStatPrefix(TCP_STATS).build(),
                (rules, shadowRules) -> networkRbac(rules, shadowRules, EXT_AUTHZ_STATS));
        return out;
    }

    /** AUDIT, DENY and ALLOW on an Envoy HTTP chain, one RBAC filter each, in that order. */
    public List<HttpFilter> localHttp() {
        List<HttpFilter> out = new ArrayList<>();
        for (RBAC.Action action : List.of(RBAC.Action.LOG, RBAC.Action.DENY, RBAC.Action.ALLOW)) {
            PolicyRules.Built b = PolicyRules.build(withAction(actionName(action)), action, Target.HTTP, trustDomains, null);
            if (b != null) {
                out.add(httpFilter(ExtAuthzProviders.RBAC_HTTP, httpRbac(b.rules(), b.shadowRules(), shadowStatPrefix(b.shadowRules()))));
            }
        }
        return out;
    }

    /** AUDIT, DENY and ALLOW on an Envoy TCP chain; rules of HTTP attributes only fail closed ({@link RuleModel}). */
    public List<Filter> localTcp() {
        List<Filter> out = new ArrayList<>();
        for (RBAC.Action action : List.of(RBAC.Action.LOG, RBAC.Action.DENY, RBAC.Action.ALLOW)) {
            PolicyRules.Built b = PolicyRules.build(withAction(actionName(action)), action, Target.TCP, trustDomains, null);
            if (b != null) {
                out.add(filter(ExtAuthzProviders.RBAC_NETWORK, networkRbac(b.rules(), b.shadowRules(), shadowStatPrefix(b.shadowRules()))));
            }
        }
        return out;
    }

    /**
     * What a proxyless gRPC server enforces (gRFC A41), in Istio's grpcgen order: a DENY filter, then an ALLOW
     * filter. grpc-java has no ext_authz, no audit log and no JWT, so unlike Istio's grpcgen this fails closed:
     * a CUSTOM policy denies what its rules match (as a bad CUSTOM action does on Envoy), a rule part gRPC cannot
     * evaluate widens a DENY rule and drops an ALLOW rule, an ALLOW policy without rules still allows nothing, and
     * AUDIT policies are left out (they never decide). Dry-run policies stay dry-run: gRPC ignores shadow rules, so
     * they are left out rather than enforced as Istio's grpcgen does.
     */
    public List<HttpFilter> grpc() {
        List<IstioResource> enforced = policies.stream().filter(r -> !PolicyRules.dryRun(r)).toList();
        Map<String, Policy> deny = new TreeMap<>();
        PolicyRules.Built d = PolicyRules.build(enforced.stream().filter(r -> action(r).equals(AuthorizationPolicy.DENY)).toList(),
                RBAC.Action.DENY, Target.GRPC, trustDomains, null);
        if (d != null) {
            deny.putAll(d.rules().getPoliciesMap());
        }
        for (IstioResource r : enforced) {
            if (action(r).equals(AuthorizationPolicy.CUSTOM)) {
                String provider = ((AuthorizationPolicy) r.spec()).provider() == null ? ""
                        : String.valueOf(((AuthorizationPolicy) r.spec()).provider().name());
                PolicyRules.build(List.of(r), RBAC.Action.DENY, Target.GRPC, trustDomains, provider).rules().getPoliciesMap()
                        .forEach((name, p) -> deny.put(name + BAD_CUSTOM, p));
            }
        }
        List<HttpFilter> out = new ArrayList<>();
        if (!deny.isEmpty()) {
            out.add(httpFilter(GRPC_DENY_FILTER, io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.newBuilder()
                    .setRules(PolicyRules.rbac(RBAC.Action.DENY, deny)).build()));
        }
        PolicyRules.Built a = PolicyRules.build(enforced.stream().filter(r -> action(r).equals(AuthorizationPolicy.ALLOW)).toList(),
                RBAC.Action.ALLOW, Target.GRPC, trustDomains, null);
        if (a != null) {
            // an ALLOW filter with no policy left denies everything: every rule fell out, so nothing is allowed
            out.add(httpFilter(ExtAuthzProviders.RBAC_HTTP, io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.newBuilder()
                    .setRules(a.rules()).build()));
        }
        return out;
    }

    private static String action(IstioResource r) {
        return ((AuthorizationPolicy) r.spec()).actionOrAllow();
    }

    private interface Sink<T> {
        void accept(String provider, T value);
    }

    private interface BadRbac<M extends Message> {
        M of(String provider, RBAC rules);
    }

    private interface ShadowRbac<M extends Message> {
        M of(RBAC rules, RBAC shadowRules);
    }

    /**
     * CUSTOM as Istio builds it: the rules of each provider's policies (dry-run ones apart); with more than one
     * provider for a workload (Istio allows one unless a feature flag says otherwise) or a provider that cannot be
     * used, each provider's policies deny what they match instead — security fails closed.
     */
    private <M extends Message> void custom(Target target, Sink<M> rbacOut, Sink<ExtAuthzProviders.Built> extAuthzOut,
                                            BadRbac<M> bad, ShadowRbac<M> shadow) {
        Map<String, List<IstioResource>> byProvider = new TreeMap<>();
        for (IstioResource r : withAction(AuthorizationPolicy.CUSTOM)) {
            AuthorizationPolicy spec = (AuthorizationPolicy) r.spec();
            String provider = spec.provider() == null || spec.provider().name() == null ? "" : spec.provider().name();
            byProvider.computeIfAbsent(provider, p -> new ArrayList<>()).add(r);
        }
        if (byProvider.isEmpty()) {
            return;
        }
        TreeSet<String> providers = new TreeSet<>(byProvider.keySet());
        for (String provider : providers) {
            List<IstioResource> ps = byProvider.get(provider);
            List<IstioResource> enforcedPolicies = ps.stream().filter(r -> !PolicyRules.dryRun(r)).toList();
            List<IstioResource> dryRunPolicies = ps.stream().filter(PolicyRules::dryRun).toList();
            RBAC enforced = rulesOf(enforcedPolicies, target, provider);
            RBAC dryRun = rulesOf(dryRunPolicies, target, provider);
            ExtAuthzProviders.Built built = null;
            if (providers.size() == 1) {
                try {
                    built = ExtAuthzProviders.of(provider, model);
                } catch (NotEnforceable e) {
                    built = null;
                }
            }
            if (built == null) {
                Map<String, Policy> denied = new TreeMap<>();
                enforced.getPoliciesMap().forEach((name, p) -> denied.put(name + BAD_CUSTOM, p));
                rbacOut.accept(provider, bad.of(provider, PolicyRules.rbac(RBAC.Action.DENY, denied)));
                continue;
            }
            if (target == Target.TCP && built.tcp() == null) {
                continue;
            }
            // the provider's rules are shadow rules: they only mark a request for ext_authz, which decides
            rbacOut.accept(provider, shadow.of(dryRun.getPoliciesCount() > 0 ? dryRun : null, enforced));
            extAuthzOut.accept(provider, built);
        }
    }

    private RBAC rulesOf(List<IstioResource> ps, Target target, String provider) {
        PolicyRules.Built b = PolicyRules.build(ps, RBAC.Action.DENY, target, trustDomains, provider);
        if (b == null) {
            return PolicyRules.rbac(RBAC.Action.DENY, Map.of());
        }
        return b.rules() != null ? b.rules() : b.shadowRules();
    }

    private static io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC httpRbac(RBAC rules, RBAC shadow, String shadowPrefix) {
        var b = io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.newBuilder().setShadowRulesStatPrefix(shadowPrefix);
        if (rules != null) {
            b.setRules(rules);
        }
        if (shadow != null) {
            b.setShadowRules(shadow);
        }
        return b.build();
    }

    private static io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC networkRbac(RBAC rules, RBAC shadow, String shadowPrefix) {
        var b = io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.newBuilder().setStatPrefix(TCP_STATS)
                .setShadowRulesStatPrefix(shadowPrefix);
        if (rules != null) {
            b.setRules(rules);
        }
        if (shadow != null) {
            b.setShadowRules(shadow);
        }
        return b.build();
    }

    /**
     * The stats prefix of dry-run results. Istio reads the action of possibly absent shadow rules, which is ALLOW's
     * zero value, so an AUDIT or enforced-only filter carries the allow prefix too; kept so stats read the same.
     */
    private static String shadowStatPrefix(RBAC shadow) {
        if (shadow == null || shadow.getAction() == RBAC.Action.ALLOW) {
            return DRY_RUN_ALLOW;
        }
        return shadow.getAction() == RBAC.Action.DENY ? DRY_RUN_DENY : "";
    }

    private static String actionName(RBAC.Action action) {
        return action == RBAC.Action.LOG ? AuthorizationPolicy.AUDIT : action.name();
    }

    private static HttpFilter httpFilter(String name, Message config) {
        return HttpFilter.newBuilder().setName(name).setTypedConfig(Any.pack(config)).build();
    }

    private static Filter filter(String name, Message config) {
        return Filter.newBuilder().setName(name).setTypedConfig(Any.pack(config)).build();
    }
}
