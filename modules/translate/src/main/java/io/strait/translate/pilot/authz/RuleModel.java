package io.strait.translate.pilot.authz;

import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.strait.model.istio.AuthorizationPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * One rule of an AuthorizationPolicy as Envoy RBAC sees it: each {@code from} becomes one principal and each
 * {@code to} one permission (a rule without them, one that matches anything), and the {@code when} conditions join
 * whichever side they are about. Inside a principal or permission the terms are ANDed, in Istio's order (the
 * source's or operation's fields, then the conditions as written), so the output equals Istio's.
 */
final class RuleModel {
    /** One attribute with its values and negated values. */
    private record Term(Attribute attribute, String key, List<String> values, List<String> notValues) {
    }

    private final List<List<Term>> permissions;
    private final List<List<Term>> principals;
    private final String policyNamespace;

    private RuleModel(List<List<Term>> permissions, List<List<Term>> principals, String policyNamespace) {
        this.permissions = permissions;
        this.principals = principals;
        this.policyNamespace = policyNamespace;
    }

    /**
     * The model of a rule, its principals widened by the trust domain aliases; a {@code when} key no attribute
     * knows makes the rule unusable ({@link NotEnforceable}: validation refuses such keys, so it is defensive).
     */
    static RuleModel of(AuthorizationPolicy.Rule rule, String policyNamespace, TrustDomains trustDomains) {
        List<Term> basePermission = new ArrayList<>();
        List<Term> basePrincipal = new ArrayList<>();
        for (AuthorizationPolicy.Condition when : rule.when()) {
            if (when == null || when.key() == null) {
                throw new NotEnforceable("a condition without key");
            }
            Attribute a = Attribute.ofCondition(when.key())
                    .orElseThrow(() -> new NotEnforceable("unknown attribute " + when.key()));
            add(a.principal ? basePrincipal : basePermission, false, a, when.key(), when.values(), when.notValues(), trustDomains);
        }
        List<List<Term>> principals = new ArrayList<>();
        for (AuthorizationPolicy.From from : rule.from()) {
            List<Term> merged = new ArrayList<>(basePrincipal);
            AuthorizationPolicy.Source s = from == null ? null : from.source();
            if (s != null) {
                // each goes in front of the previous one: the last written here comes first, as in Istio
                add(merged, true, Attribute.SOURCE_IP, "source.ip", s.ipBlocks(), s.notIpBlocks(), trustDomains);
                add(merged, true, Attribute.REMOTE_IP, "remote.ip", s.remoteIpBlocks(), s.notRemoteIpBlocks(), trustDomains);
                add(merged, true, Attribute.SOURCE_NAMESPACE, "source.namespace", s.namespaces(), s.notNamespaces(), trustDomains);
                add(merged, true, Attribute.SOURCE_TRUST_DOMAIN, "source.trustDomain", s.trustDomains(), s.notTrustDomains(), trustDomains);
                add(merged, true, Attribute.SOURCE_SERVICE_ACCOUNT, "source.serviceAccount", s.serviceAccounts(), s.notServiceAccounts(), trustDomains);
                add(merged, true, Attribute.REQUEST_PRINCIPAL, "request.auth.principal", s.requestPrincipals(), s.notRequestPrincipals(), trustDomains);
                add(merged, true, Attribute.SOURCE_PRINCIPAL, "source.principal", s.principals(), s.notPrincipals(), trustDomains);
            }
            principals.add(merged);
        }
        if (rule.from().isEmpty()) {
            principals.add(basePrincipal);
        }
        List<List<Term>> permissions = new ArrayList<>();
        for (AuthorizationPolicy.To to : rule.to()) {
            List<Term> merged = new ArrayList<>(basePermission);
            AuthorizationPolicy.Operation o = to == null ? null : to.operation();
            if (o != null) {
                add(merged, true, Attribute.DEST_PORT, "destination.port", o.ports(), o.notPorts(), trustDomains);
                add(merged, true, Attribute.PATH, "path-matcher", o.paths(), o.notPaths(), trustDomains);
                add(merged, true, Attribute.METHOD, ":method", o.methods(), o.notMethods(), trustDomains);
                add(merged, true, Attribute.HOST, ":authority", o.hosts(), o.notHosts(), trustDomains);
            }
            permissions.add(merged);
        }
        if (rule.to().isEmpty()) {
            permissions.add(basePermission);
        }
        return new RuleModel(permissions, principals, policyNamespace);
    }

    private static void add(List<Term> terms, boolean front, Attribute a, String key, List<String> values,
                            List<String> notValues, TrustDomains trustDomains) {
        if (values.isEmpty() && notValues.isEmpty()) {
            return;
        }
        if (a == Attribute.SOURCE_PRINCIPAL) {
            values = trustDomains.principals(values);
            notValues = trustDomains.principals(notValues);
        } else if (a == Attribute.SOURCE_TRUST_DOMAIN) {
            values = trustDomains.trustDomains(values);
            notValues = trustDomains.trustDomains(notValues);
        }
        Term t = new Term(a, key, values.stream().filter(java.util.Objects::nonNull).toList(),
                notValues.stream().filter(java.util.Objects::nonNull).toList());
        if (front) {
            terms.add(0, t);
        } else {
            terms.add(t);
        }
    }

    /**
     * The Envoy policy of the rule for {@code target} under {@code action}. A part the target cannot enforce fails
     * closed: under ALLOW the whole rule is refused ({@link NotEnforceable}: the caller drops it, allowing less);
     * under DENY and AUDIT just that part is left out (the rule matches more).
     */
    Policy generate(Target target, boolean allow) {
        Policy.Builder policy = Policy.newBuilder();
        for (List<Term> terms : permissions) {
            List<Permission> and = new ArrayList<>();
            for (Term t : terms) {
                permission(t, target, allow, and);
            }
            policy.addPermissions(Rbac.andPermissions(and.isEmpty() ? List.of(Rbac.anyPermission()) : and));
        }
        for (List<Term> terms : principals) {
            List<Principal> and = new ArrayList<>();
            for (Term t : terms) {
                principal(t, target, allow, and);
            }
            policy.addPrincipals(Rbac.and(and.isEmpty() ? List.of(Rbac.anyPrincipal()) : and));
        }
        return policy.build();
    }

    private void permission(Term t, Target target, boolean allow, List<Permission> out) {
        if (t.attribute().grouped) {
            if (!t.values().isEmpty()) {
                Permission p = failClosed(allow, () -> t.attribute().permissions(t.key(), t.values(), target));
                if (p != null) {
                    out.add(p);
                }
            }
            if (!t.notValues().isEmpty()) {
                Permission p = failClosed(allow, () -> t.attribute().permissions(t.key(), t.notValues(), target));
                if (p != null) {
                    out.add(Rbac.not(p));
                }
            }
            return;
        }
        List<Permission> or = eachValue(t.values(), allow, v -> t.attribute().permission(t.key(), v, target));
        if (!or.isEmpty()) {
            out.add(Rbac.orPermissions(or));
        }
        List<Permission> notOr = eachValue(t.notValues(), allow, v -> t.attribute().permission(t.key(), v, target));
        if (!notOr.isEmpty()) {
            out.add(Rbac.not(Rbac.orPermissions(notOr)));
        }
    }

    private void principal(Term t, Target target, boolean allow, List<Principal> out) {
        if (t.attribute().grouped) {
            if (!t.values().isEmpty()) {
                Principal p = failClosed(allow, () -> t.attribute().principals(t.key(), t.values(), target));
                if (p != null) {
                    out.add(p);
                }
            }
            if (!t.notValues().isEmpty()) {
                Principal p = failClosed(allow, () -> t.attribute().principals(t.key(), t.notValues(), target));
                if (p != null) {
                    out.add(Rbac.not(p));
                }
            }
            return;
        }
        List<Principal> or = eachValue(t.values(), allow, v -> t.attribute().principal(t.key(), v, target, policyNamespace));
        if (!or.isEmpty()) {
            out.add(Rbac.or(or));
        }
        List<Principal> notOr = eachValue(t.notValues(), allow, v -> t.attribute().principal(t.key(), v, target, policyNamespace));
        if (!notOr.isEmpty()) {
            out.add(Rbac.not(Rbac.or(notOr)));
        }
    }

    private static <T> List<T> eachValue(List<String> values, boolean allow, java.util.function.Function<String, T> gen) {
        List<T> out = new ArrayList<>();
        for (String v : values) {
            T p = failClosed(allow, () -> gen.apply(v));
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /** Under ALLOW a part that cannot be enforced refuses the rule; otherwise it is left out (null). */
    private static <T> T failClosed(boolean allow, java.util.function.Supplier<T> gen) {
        try {
            return gen.get();
        } catch (NotEnforceable e) {
            if (allow) {
                throw e;
            }
            return null;
        }
    }
}
