package io.strait.model.istio;

import java.util.List;
import java.util.Map;

/**
 * {@code security.istio.io/AuthorizationPolicy}: who may do what to the workloads it applies to. Without a
 * {@code selector} (and without {@code targetRef(s)}) it applies to its namespace — to the whole mesh in the
 * MeshConfig's root namespace; with one, to the workloads of its namespace whose labels match; with
 * {@code targetRef(s)}, to the Gateways or Services named. {@code action} is ALLOW (the default), DENY, AUDIT or
 * CUSTOM (delegated to {@code provider}, one of MeshConfig's {@code extensionProviders}). A request matches a policy
 * when it matches one of its {@code rules}; a rule matches when one of its {@code from} sources, one of its
 * {@code to} operations and all of its {@code when} conditions match (a missing part matches anything).
 * How the rules become Envoy RBAC is the translator's (Istio's authz builder).
 */
public record AuthorizationPolicy(WorkloadSelector selector, TargetRef targetRef, List<TargetRef> targetRefs,
                                  List<Rule> rules, String action, Provider provider) implements Spec {
    public static final String ALLOW = "ALLOW";
    public static final String DENY = "DENY";
    public static final String AUDIT = "AUDIT";
    public static final String CUSTOM = "CUSTOM";
    /** The annotation that makes a policy dry-run: evaluated and logged (shadow rules), never enforced. */
    public static final String DRY_RUN_ANNOTATION = "istio.io/dry-run";

    public AuthorizationPolicy {
        targetRefs = Lists.copy(targetRefs);
        rules = Lists.copy(rules);
    }

    /** The action, ALLOW when none is written (the proto's zero value). */
    public String actionOrAllow() {
        return action == null ? ALLOW : action;
    }

    /** Every target reference: {@code targetRef} and {@code targetRefs} together (validation allows one of them). */
    public List<TargetRef> allTargetRefs() {
        return targetRef == null ? targetRefs : java.util.stream.Stream.concat(java.util.stream.Stream.of(targetRef),
                targetRefs.stream()).toList();
    }

    /** Whether the policy applies to whole namespaces: no labels to select, no targets named. */
    public boolean namespaceWide() {
        return (selector == null || selector.matchLabels().isEmpty()) && allTargetRefs().isEmpty();
    }

    /** {@code selector}: the workloads of the policy's namespace whose labels include {@code matchLabels}. */
    public record WorkloadSelector(Map<String, String> matchLabels) {
        public WorkloadSelector {
            matchLabels = Lists.copy(matchLabels);
        }

        public boolean matches(Map<String, String> labels) {
            return labels.entrySet().containsAll(matchLabels.entrySet());
        }
    }

    /** {@code targetRef}: a Gateway ({@code gateway.networking.k8s.io}), Service or ServiceEntry by name. */
    public record TargetRef(String group, String kind, String name, String namespace) {
    }

    /** {@code provider}: the extension provider of a CUSTOM policy, by its MeshConfig name. */
    public record Provider(String name) {
    }

    /** One rule: sources, operations and conditions, each list ORed, the three ANDed. */
    public record Rule(List<From> from, List<To> to, List<Condition> when) {
        public Rule {
            from = Lists.copy(from);
            to = Lists.copy(to);
            when = Lists.copy(when);
        }
    }

    /** {@code from}: one source. */
    public record From(Source source) {
    }

    /** {@code to}: one operation. */
    public record To(Operation operation) {
    }

    /** {@code from.source}: who sends the request; every field set must match, each list ORed, each {@code not*} negated. */
    public record Source(List<String> principals, List<String> notPrincipals, List<String> requestPrincipals,
                         List<String> notRequestPrincipals, List<String> namespaces, List<String> notNamespaces,
                         List<String> ipBlocks, List<String> notIpBlocks, List<String> remoteIpBlocks,
                         List<String> notRemoteIpBlocks, List<String> serviceAccounts, List<String> notServiceAccounts,
                         List<String> trustDomains, List<String> notTrustDomains) {
        public Source {
            principals = Lists.copy(principals);
            notPrincipals = Lists.copy(notPrincipals);
            requestPrincipals = Lists.copy(requestPrincipals);
            notRequestPrincipals = Lists.copy(notRequestPrincipals);
            namespaces = Lists.copy(namespaces);
            notNamespaces = Lists.copy(notNamespaces);
            ipBlocks = Lists.copy(ipBlocks);
            notIpBlocks = Lists.copy(notIpBlocks);
            remoteIpBlocks = Lists.copy(remoteIpBlocks);
            notRemoteIpBlocks = Lists.copy(notRemoteIpBlocks);
            serviceAccounts = Lists.copy(serviceAccounts);
            notServiceAccounts = Lists.copy(notServiceAccounts);
            trustDomains = Lists.copy(trustDomains);
            notTrustDomains = Lists.copy(notTrustDomains);
        }
    }

    /** {@code to.operation}: what the request does; every field set must match, each list ORed, each {@code not*} negated. */
    public record Operation(List<String> hosts, List<String> notHosts, List<String> ports, List<String> notPorts,
                            List<String> methods, List<String> notMethods, List<String> paths, List<String> notPaths) {
        public Operation {
            hosts = Lists.copy(hosts);
            notHosts = Lists.copy(notHosts);
            ports = Lists.copy(ports);
            notPorts = Lists.copy(notPorts);
            methods = Lists.copy(methods);
            notMethods = Lists.copy(notMethods);
            paths = Lists.copy(paths);
            notPaths = Lists.copy(notPaths);
        }
    }

    /** {@code when}: an attribute ({@code key}) and the values it must ({@code values}) or must not ({@code notValues}) have. */
    public record Condition(String key, List<String> values, List<String> notValues) {
        public Condition {
            values = Lists.copy(values);
            notValues = Lists.copy(notValues);
        }
    }
}
