package io.strait.bench;

import io.strait.model.proxy.ProxyIdentity;
import io.strait.model.proxy.ProxyType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A generated mesh for the authorization figures: {@value #NAMESPACES} namespaces of {@value #APPS} workloads
 * each (a ServiceEntry selecting {@code app: app-<k>} with an HTTP port, a WorkloadEntry, a namespace Sidecar with
 * egress {@code ./*}), and {@value #POLICIES} AuthorizationPolicies, one file each so that a one-policy edit is a
 * one-file change. The policies are the mix a real mesh has: per namespace about 16 selecting one workload (three of
 * four ALLOW with principals, namespaces, methods, paths and a header condition; one of four DENY with
 * notPrincipals, IP blocks and paths) and about 4 namespace-wide (ALLOW from namespaces for GET, or DENY on a
 * header), plus {@value #ROOT_POLICIES} in the root namespace (half mesh-wide DENYs, half selecting {@code app-0}
 * everywhere).
 */
final class AuthzMesh {
    static final int NAMESPACES = 50;
    static final int APPS = 4;
    static final int POLICIES = 1_000;
    static final int ROOT_POLICIES = 10;
    static final String ROOT = "istio-system";

    /** What kind of policy a one-policy edit touches. */
    enum Reach { WORKLOAD, NAMESPACE, ROOT }

    private final Path dir;

    AuthzMesh(Path dir) {
        this.dir = dir;
    }

    /** Services, workloads and Sidecars only: the baseline mesh. */
    void writeServices() throws Exception {
        Files.createDirectories(dir);
        for (int n = 0; n < NAMESPACES; n++) {
            StringBuilder yaml = new StringBuilder("""
                    apiVersion: networking.istio.io/v1
                    kind: Sidecar
                    metadata: {name: default, namespace: ns-%d}
                    spec:
                      egress: [{hosts: ["./*"]}]
                    """.formatted(n));
            for (int a = 0; a < APPS; a++) {
                yaml.append("""
                        ---
                        apiVersion: networking.istio.io/v1
                        kind: ServiceEntry
                        metadata: {name: app-%2$d, namespace: ns-%1$d}
                        spec:
                          hosts: [app-%2$d.ns-%1$d.svc.cluster.local]
                          ports: [{number: 8080, name: http, protocol: HTTP, targetPort: 9080}]
                          resolution: STATIC
                          workloadSelector: {labels: {app: app-%2$d}}
                        ---
                        apiVersion: networking.istio.io/v1
                        kind: WorkloadEntry
                        metadata: {name: app-%2$d, namespace: ns-%1$d}
                        spec:
                          address: 10.%1$d.%2$d.1
                          labels: {app: app-%2$d}
                          serviceAccount: app-%2$d
                        """.formatted(n, a));
            }
            Files.writeString(dir.resolve("services-ns-" + n + ".yaml"), yaml);
        }
    }

    /** The {@value #POLICIES} AuthorizationPolicies, each in its own file. */
    void writePolicies() throws Exception {
        for (int i = 0; i < POLICIES; i++) {
            writePolicy(i, 0);
        }
    }

    /** Rewrites policy {@code i} with edit number {@code variant} (a different path and tenant): a one-policy change. */
    void writePolicy(int i, int variant) throws Exception {
        Path tmp = dir.resolve(".policy-" + i + ".tmp");
        Files.writeString(tmp, policy(i, variant));
        // atomically: the folder watch never reads half a file
        Files.move(tmp, dir.resolve("authz-" + i + ".yaml"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** The index of the first policy of each reach (a policy of ns-1: workload app-1, or namespace-wide). */
    static int policyOf(Reach reach) {
        return switch (reach) {
            case WORKLOAD -> 1 + NAMESPACES; // i = 51: ns-1, j = 1 → selects app-1
            case NAMESPACE -> 1 + 4 * NAMESPACES; // i = 201: ns-1, j = 4 → namespace-wide
            case ROOT -> POLICIES - ROOT_POLICIES; // the first root policy: mesh-wide DENY
        };
    }

    static String policy(int i, int variant) {
        int namespaced = POLICIES - ROOT_POLICIES;
        if (i >= namespaced) {
            int r = i - namespaced;
            if (r % 2 == 0) {
                return """
                        apiVersion: security.istio.io/v1
                        kind: AuthorizationPolicy
                        metadata: {name: root-%1$d, namespace: %2$s}
                        spec:
                          action: DENY
                          rules:
                          - from: [{source: {remoteIpBlocks: ["192.0.2.0/24", "198.51.100.%3$d"]}}]
                          - to: [{operation: {paths: ["/debug/%4$d/*", "/internal/*"], notMethods: [GET], ports: ["9080"]}}]
                            when: [{key: "request.headers[x-debug]", values: ["on-%4$d"]}]
                        """.formatted(r, ROOT, r + 1, variant);
            }
            return """
                    apiVersion: security.istio.io/v1
                    kind: AuthorizationPolicy
                    metadata: {name: root-%1$d, namespace: %2$s}
                    spec:
                      selector: {matchLabels: {app: app-0}}
                      action: ALLOW
                      rules:
                      - from: [{source: {namespaces: [%2$s, "ns-%1$d"]}}]
                        to: [{operation: {methods: [GET, HEAD], paths: ["/healthz/%3$d", "/metrics"]}}]
                    """.formatted(r, ROOT, variant);
        }
        int ns = i % NAMESPACES;
        int j = i / NAMESPACES;
        int peer = (ns + j + 1) % NAMESPACES;
        if (j % 5 == 4) {
            if (j % 2 == 0) {
                return """
                        apiVersion: security.istio.io/v1
                        kind: AuthorizationPolicy
                        metadata: {name: ns-wide-%1$d, namespace: ns-%2$d}
                        spec:
                          action: ALLOW
                          rules:
                          - from: [{source: {namespaces: [ns-%2$d, ns-%3$d]}}]
                            to: [{operation: {methods: [GET], paths: ["/public/v%4$d/*"]}}]
                        """.formatted(j, ns, peer, variant);
            }
            return """
                    apiVersion: security.istio.io/v1
                    kind: AuthorizationPolicy
                    metadata: {name: ns-wide-%1$d, namespace: ns-%2$d}
                    spec:
                      action: DENY
                      rules:
                      - to: [{operation: {ports: ["9080"]}}]
                        when:
                        - {key: "request.headers[x-blocked]", values: ["yes", "v%3$d"]}
                        - {key: source.namespace, notValues: [ns-%2$d]}
                    """.formatted(j, ns, variant);
        }
        int app = j % APPS;
        if (j % 4 == 3) {
            return """
                    apiVersion: security.istio.io/v1
                    kind: AuthorizationPolicy
                    metadata: {name: app-%1$d-deny-%2$d, namespace: ns-%3$d}
                    spec:
                      selector: {matchLabels: {app: app-%1$d}}
                      action: DENY
                      rules:
                      - from: [{source: {notPrincipals: ["cluster.local/ns/ns-%3$d/*"], ipBlocks: ["10.0.0.0/8"]}}]
                        to: [{operation: {paths: ["/admin/%4$d/*", "/config"], methods: [PUT, DELETE], ports: ["9080"]}}]
                    """.formatted(app, j, ns, variant);
        }
        return """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: app-%1$d-allow-%2$d, namespace: ns-%3$d}
                spec:
                  selector: {matchLabels: {app: app-%1$d}}
                  action: ALLOW
                  rules:
                  - from: [{source: {principals: ["cluster.local/ns/ns-%4$d/sa/app-%5$d", "cluster.local/ns/ns-%3$d/sa/app-%6$d"]}}]
                    to: [{operation: {methods: [GET, POST], paths: ["/api/v%7$d/items/*", "/api/v%7$d/orders"], ports: ["9080"]}}]
                    when: [{key: "request.headers[x-tenant]", values: ["tenant-%2$d"]}]
                  - from: [{source: {namespaces: [ns-%3$d]}}]
                    to: [{operation: {notPaths: ["/admin/*"], methods: [GET]}}]
                """.formatted(app, j, ns, peer, (app + 1) % APPS, (app + 2) % APPS, variant + 1);
    }

    /** The Envoy sidecar of workload {@code app-<app>} in {@code ns-<ns>}. */
    static ProxyIdentity sidecar(int ns, int app) {
        return new ProxyIdentity("sidecar~10." + ns + "." + app + ".1~app-" + app + "-0.ns-" + ns + "~ns-" + ns + ".svc.cluster.local",
                ProxyType.SIDECAR, "10." + ns + "." + app + ".1", "app-" + app + "-0", "ns-" + ns, "app-" + app, "Kubernetes",
                Map.of("app", "app-" + app), "");
    }

    /** Every workload's sidecar: one scope each. */
    static List<ProxyIdentity> sidecars() {
        List<ProxyIdentity> out = new ArrayList<>();
        for (int n = 0; n < NAMESPACES; n++) {
            for (int a = 0; a < APPS; a++) {
                out.add(sidecar(n, a));
            }
        }
        return out;
    }
}
