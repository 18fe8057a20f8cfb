package io.strait.translate.pilot;

import static io.strait.translate.pilot.NamespaceSharingConformanceTest.assertSameResources;
import static io.strait.translate.pilot.NamespaceSharingConformanceTest.proxy;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.model.proxy.ProxyType;
import io.strait.translate.xds.XdsResources;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Which namespaces share a translation ({@link NamespaceSharing}): in a mesh with services in namespace {@code apps}
 * and config of every namespace-scoped kind, each in its own namespace, the plain namespaces share one input and one
 * translation for every proxy kind, and each namespace with config is distinguished and translated differently
 * where Istio says it should be.
 */
class NamespaceSharingTest {
    private static final String SERVICES = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: pay, namespace: apps}
            spec:
              hosts: [pay.example.com]
              ports: [{number: 8080, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 10.0.0.1, labels: {security.istio.io/tlsMode: istio}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: reviews, namespace: apps}
            spec:
              hosts: [reviews.apps.svc.cluster.local]
              ports: [{number: 9080, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 10.0.0.2}]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: pay, namespace: apps}
            spec:
              host: pay.example.com
              subsets: [{name: v1, labels: {version: v1}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: pay, namespace: apps}
            spec:
              hosts: [pay.example.com]
              http:
              - match: [{sourceNamespace: callers}]
                route: [{destination: {host: pay.example.com}}]
                timeout: 1s
              - route: [{destination: {host: pay.example.com, subset: v1}}]
            """;

    /** Namespace-scoped config, one kind per namespace; each makes its namespace distinguished. */
    private static final Map<String, String> SCOPED = new TreeMap<>(Map.of(
            "strict", """
                    apiVersion: security.istio.io/v1
                    kind: PeerAuthentication
                    metadata: {name: default, namespace: strict}
                    spec: {mtls: {mode: STRICT}}
                    """,
            "authz", """
                    apiVersion: security.istio.io/v1
                    kind: AuthorizationPolicy
                    metadata: {name: deny-all, namespace: authz}
                    spec: {action: DENY, rules: [{}]}
                    """,
            "jwt", """
                    apiVersion: security.istio.io/v1
                    kind: RequestAuthentication
                    metadata: {name: issuer, namespace: jwt}
                    spec:
                      jwtRules: [{issuer: "https://a.example.com", jwks: '{"keys":[]}'}]
                    ---
                    apiVersion: networking.istio.io/v1
                    kind: ServiceEntry
                    metadata: {name: client, namespace: jwt}
                    spec:
                      hosts: [client.jwt.svc.cluster.local]
                      ports: [{number: 8080, name: http, protocol: HTTP}]
                      resolution: STATIC
                      workloadSelector: {labels: {app: client}}
                    """,
            "scoped", """
                    apiVersion: networking.istio.io/v1
                    kind: Sidecar
                    metadata: {name: default, namespace: scoped}
                    spec:
                      egress: [{hosts: ["./*"]}]
                    """,
            "private", """
                    apiVersion: networking.istio.io/v1
                    kind: ServiceEntry
                    metadata: {name: secret, namespace: private}
                    spec:
                      hosts: [secret.example.com]
                      exportTo: ["."]
                      ports: [{number: 7070, name: http, protocol: HTTP}]
                      resolution: STATIC
                      endpoints: [{address: 10.0.0.3}]
                    """,
            "reviewers", """
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata: {name: reviews-canary, namespace: apps}
                    spec:
                      hosts: [reviews.apps.svc.cluster.local]
                      exportTo: [reviewers]
                      http:
                      - route: [{destination: {host: reviews.apps.svc.cluster.local}}]
                        timeout: 3s
                    """,
            "callers", """
                    apiVersion: networking.istio.io/v1
                    kind: ServiceEntry
                    metadata: {name: caller-api, namespace: callers}
                    spec:
                      hosts: [caller-api.example.com]
                      ports: [{number: 6060, name: http, protocol: HTTP}]
                      resolution: STATIC
                      endpoints: [{address: 10.0.0.4}]
                    """));

    private static final List<String> PLAIN = List.of("plain-a", "plain-b", "plain-c");
    private static final Map<String, String> LABELS = Map.of("app", "client");
    private final ScopeTranslator translator = new ScopeTranslator();

    private static MeshModel model(Map<String, String> extra) {
        Map<String, String> files = new TreeMap<>(Map.of("services.yaml", SERVICES));
        extra.forEach((ns, yaml) -> files.put(ns + ".yaml", yaml));
        return GoldenFilesTest.model(files);
    }

    @Test
    void plainNamespacesShareOneInputAndOneTranslationForEveryProxyKind() {
        MeshModel model = model(SCOPED);
        for (ProxyType type : ProxyType.values()) {
            ProxyIdentity first = proxy(type, PLAIN.get(0), LABELS);
            XdsResources expected = translator.translate(model, first);
            assertThat(ScopeTranslator.inputsOf(model, first).namespace()).isEqualTo(NamespaceSharing.SHARED);
            for (String a : PLAIN) {
                for (String b : PLAIN) {
                    ProxyIdentity inA = proxy(type, a, LABELS);
                    ProxyIdentity inB = proxy(type, b, LABELS);
                    assertThat(ScopeTranslator.inputsOf(model, inA)).as("%s in %s and %s", type, a, b)
                            .isEqualTo(ScopeTranslator.inputsOf(model, inB));
                    assertSameResources(translator.translate(model, inA), translator.translate(model, inB),
                            type + " in " + a + " and " + b);
                }
                assertSameResources(translator.translate(model, proxy(type, a, LABELS)), expected, type + " in " + a);
            }
        }
    }

    @Test
    void eachNamespaceWithScopedConfigIsDistinguishedAndTranslatedDifferently() {
        MeshModel model = model(SCOPED);
        for (String ns : SCOPED.keySet()) {
            assertThat(NamespaceSharing.distinguishes(model, ProxyType.SIDECAR, ns)).as(ns).isTrue();
            assertThat(ScopeTranslator.inputsOf(model, proxy(ProxyType.SIDECAR, ns, LABELS)).namespace()).isEqualTo(ns);
        }
        assertThat(NamespaceSharing.distinguishes(model, ProxyType.SIDECAR, "istio-system")).as("root").isTrue();
        XdsResources plain = sidecar(model, "plain-a");
        // PeerAuthentication STRICT: the inbound listener requires mTLS
        assertThat(inbound(sidecar(model, "strict"))).isNotEqualTo(inbound(plain));
        // a namespace-wide AuthorizationPolicy: the inbound chains carry its RBAC rules
        assertThat(inbound(sidecar(model, "authz"))).contains("ns[authz]-policy[deny-all]").isNotEqualTo(inbound(plain));
        assertThat(inbound(plain)).doesNotContain("rbac");
        // a namespace-wide RequestAuthentication: the JWT filter on the workload's HTTP port
        assertThat(inbound(sidecar(model, "jwt"))).contains("jwt_authn");
        assertThat(inbound(plain)).doesNotContain("jwt_authn");
        // a Sidecar with egress ./*: its namespace's services only (none here)
        assertThat(clusterNames(sidecar(model, "scoped"))).noneMatch(n -> n.endsWith("pay.example.com"));
        assertThat(clusterNames(plain)).contains("outbound|8080||pay.example.com");
        // exportTo ".": only the owner's proxies see the service
        assertThat(clusterNames(sidecar(model, "private"))).contains("outbound|7070||secret.example.com");
        assertThat(clusterNames(plain)).doesNotContain("outbound|7070||secret.example.com");
        // a VirtualService exported to one namespace routes only there (its timeout)
        assertThat(routes(sidecar(model, "reviewers"), "9080")).contains("3s");
        assertThat(routes(plain, "9080")).doesNotContain("3s");
        // sourceNamespace (in apps/pay): the block applies to the proxies of that namespace only
        assertThat(routes(sidecar(model, "callers"), "8080")).contains("1s");
        assertThat(routes(plain, "8080")).doesNotContain("\"1s\"");
    }

    @Test
    void aKubernetesHostDistinguishesItsNamespaceForSidecarsOnlyByTheShortName() {
        MeshModel model = model(Map.of());
        assertThat(NamespaceSharing.distinguishes(model, ProxyType.SIDECAR, "apps")).isTrue();
        assertThat(NamespaceSharing.distinguishes(model, ProxyType.GRPC, "apps")).isFalse();
        assertThat(NamespaceSharing.distinguishes(model, ProxyType.ROUTER, "apps")).isFalse();
        // a sidecar in apps also answers to "reviews"; one elsewhere does not
        assertThat(routes(sidecar(model, "apps"), "9080")).contains("\"reviews\"");
        assertThat(routes(sidecar(model, "plain-a"), "9080")).doesNotContain("\"reviews\"");
        // a proxyless client in apps gets what one in any plain namespace gets
        for (ProxyType type : List.of(ProxyType.GRPC, ProxyType.ROUTER)) {
            assertSameResources(translator.translate(model, proxy(type, "apps", LABELS)),
                    translator.translate(model, proxy(type, "plain-a", LABELS)), type + " in apps and plain-a");
        }
    }

    @Test
    void aMeshWideSidecarInTheRootNamespaceDistinguishesEveryNamespace() {
        MeshModel model = model(Map.of("root", """
                apiVersion: networking.istio.io/v1
                kind: Sidecar
                metadata: {name: default, namespace: istio-system}
                spec:
                  egress: [{hosts: ["./*"]}]
                """));
        for (String ns : PLAIN) {
            assertThat(NamespaceSharing.distinguishes(model, ProxyType.GRPC, ns)).as(ns).isTrue();
        }
        assertThat(clusterNames(sidecar(model, "apps"))).contains("outbound|8080||pay.example.com");
        assertThat(clusterNames(sidecar(model, "plain-a"))).doesNotContain("outbound|8080||pay.example.com");
    }

    @Test
    void aMeshDefaultExportToOfTheOwnNamespaceDistinguishesTheOwners() {
        MeshModel model = model(Map.of("mesh", """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: other, namespace: other}
                spec:
                  hosts: [other.example.com]
                  ports: [{number: 80, name: http, protocol: HTTP}]
                  resolution: STATIC
                  endpoints: [{address: 10.0.0.9}]
                """));
        assertThat(NamespaceSharing.distinguishes(model, ProxyType.GRPC, "other")).isFalse();
        Map<String, String> files = new TreeMap<>(Map.of("services.yaml", SERVICES,
                io.strait.model.istio.MeshConfig.FILE_NAME, "defaultServiceExportTo: [\".\"]\n"));
        MeshModel restricted = GoldenFilesTest.model(files);
        assertThat(NamespaceSharing.distinguishes(restricted, ProxyType.GRPC, "apps")).isTrue();
        assertThat(NamespaceSharing.distinguishes(restricted, ProxyType.GRPC, "plain-a")).isFalse();
        assertThat(clusterNames(translator.translate(restricted, proxy(ProxyType.GRPC, "plain-a", LABELS)))).isEmpty();
        assertThat(clusterNames(translator.translate(restricted, proxy(ProxyType.GRPC, "apps", LABELS)))).isNotEmpty();
    }

    private XdsResources sidecar(MeshModel model, String namespace) {
        return translator.translate(model, proxy(ProxyType.SIDECAR, namespace, LABELS));
    }

    private static String inbound(XdsResources out) {
        return out.listeners().stream().filter(l -> l.getName().equals("virtualInbound"))
                .map(io.strait.translate.xds.XdsJson::print).findFirst().orElse("");
    }

    private static List<String> clusterNames(XdsResources out) {
        return out.clusters().stream().map(c -> c.getName()).toList();
    }

    private static String routes(XdsResources out, String name) {
        return out.routes().stream().filter(r -> r.getName().equals(name)).map(RouteConfiguration.class::cast)
                .map(io.strait.translate.xds.XdsJson::print).findFirst().orElse("");
    }
}
