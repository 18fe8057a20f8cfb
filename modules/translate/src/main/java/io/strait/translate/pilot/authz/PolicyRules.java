package io.strait.translate.pilot.authz;

import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.strait.model.istio.AuthorizationPolicy;
import io.strait.model.istio.IstioResource;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The RBAC rules of the policies of one action, as Istio's authz builder collects them: every rule of every policy
 * becomes a policy named {@code ns[<ns>]-policy[<name>]-rule[<i>]} (CUSTOM ones prefixed
 * {@code istio-ext-authz-<provider>-}, so the ext_authz filter can tell which provider a match is for), enforced,
 * or in the shadow rules when the policy is dry-run ({@code istio.io/dry-run: true}). A policy without rules is
 * one policy that never matches; a rule the target cannot enforce under ALLOW is left out, so an ALLOW filter
 * whose rules all fall out allows nothing ({@code rules: {}}), failing closed.
 */
final class PolicyRules {
    static final String EXT_AUTHZ_PREFIX = "istio-ext-authz";

    private PolicyRules() {
    }

    /** Enforced and dry-run rules; either is null when no policy is of that kind. */
    record Built(RBAC rules, RBAC shadowRules) {
    }

    /** The rules of {@code policies} (all of {@code action}) for {@code target}; null for no policies. */
    static Built build(List<IstioResource> policies, RBAC.Action action, Target target, TrustDomains trustDomains,
                       String provider) {
        if (policies.isEmpty()) {
            return null;
        }
        Map<String, Policy> enforced = new TreeMap<>();
        Map<String, Policy> shadow = new TreeMap<>();
        boolean anyEnforced = false;
        boolean anyDryRun = false;
        for (IstioResource r : policies) {
            AuthorizationPolicy spec = (AuthorizationPolicy) r.spec();
            boolean dryRun = dryRun(r);
            anyDryRun |= dryRun;
            anyEnforced |= !dryRun;
            Map<String, Policy> into = dryRun ? shadow : enforced;
            for (int i = 0; i < spec.rules().size(); i++) {
                AuthorizationPolicy.Rule rule = spec.rules().get(i);
                if (rule == null) {
                    continue; // validation refuses a nil rule
                }
                try {
                    into.put(name(r, i, provider), RuleModel.of(rule, r.namespace(), trustDomains)
                            .generate(target, action == RBAC.Action.ALLOW));
                } catch (NotEnforceable e) {
                    // an ALLOW rule the target cannot enforce allows nothing: leaving it out fails closed
                }
            }
            if (spec.rules().isEmpty()) {
                into.put(name(r, 0, provider), Rbac.MATCH_NEVER);
            }
        }
        return new Built(anyEnforced ? rbac(action, enforced) : null, anyDryRun ? rbac(action, shadow) : null);
    }

    static RBAC rbac(RBAC.Action action, Map<String, Policy> policies) {
        return RBAC.newBuilder().setAction(action).putAllPolicies(policies).build();
    }

    static String name(IstioResource r, int rule, String provider) {
        String prefix = provider == null ? "" : provider.isEmpty() ? EXT_AUTHZ_PREFIX + "-" : EXT_AUTHZ_PREFIX + "-" + provider + "-";
        return prefix + "ns[" + r.namespace() + "]-policy[" + r.name() + "]-rule[" + rule + "]";
    }

    /** The dry-run annotation read as Go's {@code strconv.ParseBool} reads it; anything else is not dry-run. */
    static boolean dryRun(IstioResource r) {
        String v = r.metadata().annotations() == null ? null : r.metadata().annotations().get(AuthorizationPolicy.DRY_RUN_ANNOTATION);
        return v != null && List.of("1", "t", "T", "TRUE", "true", "True").contains(v);
    }
}
