package io.strait.translate.pilot.authz;

import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import java.util.List;

/** The RBAC combinators (and, or, not, any) over permissions and principals, and the policy that matches nothing. */
final class Rbac {
    /** What a policy without rules is: it never matches (so an ALLOW policy without rules allows nothing). */
    static final Policy MATCH_NEVER = Policy.newBuilder()
            .addPermissions(Permission.newBuilder().setNotRule(Permission.newBuilder().setAny(true)))
            .addPrincipals(Principal.newBuilder().setNotId(Principal.newBuilder().setAny(true)))
            .build();

    private Rbac() {
    }

    static Permission anyPermission() {
        return Permission.newBuilder().setAny(true).build();
    }

    static Principal anyPrincipal() {
        return Principal.newBuilder().setAny(true).build();
    }

    static Permission andPermissions(List<Permission> rules) {
        return Permission.newBuilder().setAndRules(Permission.Set.newBuilder().addAllRules(rules)).build();
    }

    static Permission orPermissions(List<Permission> rules) {
        return Permission.newBuilder().setOrRules(Permission.Set.newBuilder().addAllRules(rules)).build();
    }

    static Permission not(Permission p) {
        return Permission.newBuilder().setNotRule(p).build();
    }

    static Principal and(List<Principal> ids) {
        return Principal.newBuilder().setAndIds(Principal.Set.newBuilder().addAllIds(ids)).build();
    }

    static Principal or(List<Principal> ids) {
        return Principal.newBuilder().setOrIds(Principal.Set.newBuilder().addAllIds(ids)).build();
    }

    static Principal not(Principal p) {
        return Principal.newBuilder().setNotId(p).build();
    }
}
