package io.strait.translate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.model.istio.IstioResource;
import io.strait.model.istio.ResourceKey;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.translate.pilot.ScopeTranslator;
import io.strait.translate.pilot.TestMeshes;
import io.strait.translate.xds.XdsResources;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The promise incremental translation rests on: for every edit of a mesh, a scope that {@link ChangeImpact} leaves
 * out translates after the edit to exactly what it had before it. Checked for sidecars, gRPC clients and a gateway
 * in three namespaces over edits of every kind ChangeImpact scopes (and some it does not).
 */
class ChangeImpactTest {
    private static final String MESH = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: cart, namespace: a}
            spec:
              hosts: [cart.a.svc.cluster.local]
              ports: [{number: 80, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 10.0.0.1, labels: {version: v1}}, {address: 10.0.0.2, labels: {version: v2}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: pay, namespace: a}
            spec:
              hosts: [pay.a.svc.cluster.local]
              ports: [{number: 9000, name: grpc, protocol: GRPC}]
              resolution: STATIC
              endpoints: [{address: 10.0.1.1}]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: cart, namespace: a}
            spec:
              host: cart
              subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: cart, namespace: a}
            spec:
              hosts: [cart]
              http:
              - route: [{destination: {host: cart, subset: v1}, weight: 90}, {destination: {host: cart, subset: v2}, weight: 10}]
                mirror: {host: audit.c.svc.cluster.local}
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: ledger, namespace: b}
            spec:
              hosts: [ledger.b.svc.cluster.local]
              ports: [{number: 80, name: http, protocol: HTTP}]
              resolution: STATIC
              exportTo: ["."]
              endpoints: [{address: 10.0.2.1}]
            ---
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: default, namespace: b}
            spec:
              egress: [{hosts: ["./*"]}]
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: audit, namespace: c}
            spec:
              hosts: [audit.c.svc.cluster.local]
              ports: [{number: 80, name: http, protocol: HTTP}]
              resolution: STATIC
              exportTo: ["."]
              endpoints: [{address: 10.0.3.1}]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: audit, namespace: c}
            spec:
              host: audit
              trafficPolicy: {connectionPool: {http: {http2MaxRequests: 10}}}
            ---
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: edge, namespace: gw}
            spec:
              selector: {istio: ingressgateway}
              servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*"]}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: shop, namespace: gw}
            spec:
              hosts: ["shop.example.com"]
              gateways: [edge]
              http: [{route: [{destination: {host: cart.a.svc.cluster.local, subset: v1}}]}]
            """;

    /** Edits: each replaces (or adds) the resources it holds, by key. */
    private static final List<String> EDITS = List.of(
            // an AuthorizationPolicy selecting web in a: reaches that workload's scope only
            """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: web, namespace: a}
            spec:
              selector: {matchLabels: {app: web}}
              rules: [{to: [{operation: {methods: [GET]}}]}]
            """,
            // a namespace-wide DENY in b: reaches b's scopes
            """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: deny-admin, namespace: b}
            spec:
              action: DENY
              rules: [{to: [{operation: {paths: [/admin], ports: ["80"]}}]}]
            """,
            // weights of a mesh VirtualService
            """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: cart, namespace: a}
            spec:
              hosts: [cart]
              http:
              - route: [{destination: {host: cart, subset: v1}, weight: 50}, {destination: {host: cart, subset: v2}, weight: 50}]
                mirror: {host: audit.c.svc.cluster.local}
            """,
            // a subset added
            """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: cart, namespace: a}
            spec:
              host: cart
              subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}, {name: v3, labels: {version: v3}}]
            """,
            // the policy of a service only a mirror reaches outside its namespace
            """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: audit, namespace: c}
            spec:
              host: audit
              trafficPolicy: {connectionPool: {http: {http2MaxRequests: 99}}}
            """,
            // a port added to a namespace-private service
            """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: ledger, namespace: b}
            spec:
              hosts: [ledger.b.svc.cluster.local]
              ports: [{number: 80, name: http, protocol: HTTP}, {number: 81, name: http-admin, protocol: HTTP}]
              resolution: STATIC
              exportTo: ["."]
              endpoints: [{address: 10.0.2.1}]
            """,
            // a private service made public
            """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: ledger, namespace: b}
            spec:
              hosts: [ledger.b.svc.cluster.local]
              ports: [{number: 80, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 10.0.2.1}]
            """,
            // a new service in one namespace
            """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: stock, namespace: c}
            spec:
              hosts: [stock.c.svc.cluster.local]
              ports: [{number: 80, name: http, protocol: HTTP}]
              resolution: STATIC
              exportTo: ["."]
              endpoints: [{address: 10.0.4.1}]
            """,
            // the same service resolved by DNS now, its workload with an identity: its cluster changes under its name
            """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: stock, namespace: c}
            spec:
              hosts: [stock.c.svc.cluster.local]
              ports: [{number: 80, name: http, protocol: HTTP}]
              resolution: DNS
              exportTo: ["."]
              endpoints: [{address: stock.internal.example.com, serviceAccount: stock}]
            """,
            // a gateway route
            """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: shop, namespace: gw}
            spec:
              hosts: ["shop.example.com"]
              gateways: [edge]
              http: [{route: [{destination: {host: cart.a.svc.cluster.local, subset: v2}}]}]
            """,
            // the mirror removed
            """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: cart, namespace: a}
            spec:
              hosts: [cart]
              http:
              - route: [{destination: {host: cart, subset: v1}}]
            """);

    private static final List<ProxyIdentity> PROXIES = proxies();

    private static List<ProxyIdentity> proxies() {
        List<ProxyIdentity> out = new ArrayList<>();
        for (String ns : List.of("a", "b", "c")) {
            out.add(ProxyIdentity.of("sidecar~10.0.0.9~web-1." + ns + "~" + ns + ".svc.cluster.local", Map.of(), Map.of("app", "web")));
            out.add(ProxyIdentity.of("sidecar~10.0.0.9~cli-1." + ns + "~" + ns + ".svc.cluster.local",
                    Map.of("GENERATOR", "grpc"), Map.of("app", "cli")));
        }
        out.add(ProxyIdentity.of("router~10.0.0.9~edge-1.gw~gw.svc.cluster.local", Map.of(), Map.of("istio", "ingressgateway")));
        return out;
    }

    private static Map<ResourceKey, IstioResource> parse(String yaml) {
        Map<ResourceKey, IstioResource> out = new LinkedHashMap<>();
        TestMeshes.resources(yaml).forEach(r -> out.put(r.key(), r));
        return out;
    }

    @Test
    void aScopeLeftOutTranslatesToWhatItHad() {
        ScopeTranslator translator = new ScopeTranslator();
        Map<ResourceKey, IstioResource> live = parse(MESH);
        int leftOut = 0;
        int scoped = 0;
        for (String edit : EDITS) {
            MeshModel before = MeshModel.of(live.values());
            Map<ResourceKey, IstioResource> next = new LinkedHashMap<>(live);
            List<ConfigChange> changes = new ArrayList<>();
            parse(edit).forEach((key, r) -> {
                changes.add(new ConfigChange(live.get(key), r));
                next.put(key, r);
            });
            MeshModel after = MeshModel.of(next.values());
            Optional<Set<String>> hosts = ChangeImpact.hosts(changes, before, after);
            assertThat(hosts).as("every edit here is about hosts: %s", edit).isPresent();
            scoped++;
            Map<List<Object>, Boolean> seen = new HashMap<>();
            for (ProxyIdentity proxy : PROXIES) {
                XdsResources was = translator.translate(before, proxy);
                List<String> carried = was.clusters().stream().map(io.envoyproxy.envoy.config.cluster.v3.Cluster::getName).toList();
                if (!ChangeImpact.affects(hosts.get(), ChangeImpact.policies(changes), proxy, before, after,
                        ChangeImpact.carries(hosts.get(), carried), seen)) {
                    leftOut++;
                    assertThat(translator.translate(after, proxy)).as("%s left out of\n%s", proxy.proxyId(), edit).isEqualTo(was);
                }
            }
            live.clear();
            live.putAll(next);
        }
        assertThat(scoped).isEqualTo(EDITS.size());
        assertThat(leftOut).as("the edits leave most scopes alone").isGreaterThan(EDITS.size() * PROXIES.size() / 3);
    }

    /**
     * The same promise, per host: a model after an edit about some hosts that takes over the earlier model's clusters
     * and assignments of every other host ({@link MeshModel#adopt}) translates every proxy to exactly what a model
     * built from scratch does — and does take them over (the same instances as before the edit).
     */
    @Test
    void aModelTakingOverTheClustersOfHostsAnEditIsNotAboutTranslatesAsOneBuiltFromScratch() {
        ScopeTranslator translator = new ScopeTranslator();
        Map<ResourceKey, IstioResource> live = parse(MESH);
        MeshModel before = MeshModel.of(live.values());
        int reused = 0;
        for (String edit : EDITS) {
            Map<ResourceKey, IstioResource> next = new LinkedHashMap<>(live);
            List<ConfigChange> changes = new ArrayList<>();
            parse(edit).forEach((key, r) -> {
                changes.add(new ConfigChange(live.get(key), r));
                next.put(key, r);
            });
            Map<String, XdsResources> was = new HashMap<>();
            for (ProxyIdentity p : PROXIES) {
                was.put(p.proxyId(), translator.translate(before, p));
            }
            MeshModel adopting = MeshModel.of(next.values());
            Set<String> hosts = ChangeImpact.hosts(changes, before, adopting).orElseThrow();
            adopting.adopt(before, ScopeTranslator.unchangedBy(hosts));
            MeshModel fresh = MeshModel.of(next.values());
            for (ProxyIdentity proxy : PROXIES) {
                XdsResources now = translator.translate(adopting, proxy);
                assertThat(now).as("%s after\n%s", proxy.proxyId(), edit).isEqualTo(translator.translate(fresh, proxy));
                Set<Object> earlier = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                earlier.addAll(was.get(proxy.proxyId()).clusters());
                reused += (int) now.clusters().stream().filter(earlier::contains).count();
            }
            live.clear();
            live.putAll(next);
            before = adopting; // the next edit takes over from this one, as the translator does
        }
        assertThat(reused).as("clusters taken over from the model before each edit").isGreaterThan(EDITS.size() * PROXIES.size());
    }

    @Test
    void changesThatReachFurtherTranslateEveryScope() {
        Map<ResourceKey, IstioResource> live = parse(MESH);
        MeshModel before = MeshModel.of(live.values());
        IstioResource sidecar = parse("""
                apiVersion: networking.istio.io/v1
                kind: Sidecar
                metadata: {name: default, namespace: b}
                spec:
                  egress: [{hosts: ["*/*"]}]
                """).values().iterator().next();
        Map<ResourceKey, IstioResource> next = new LinkedHashMap<>(live);
        next.put(sidecar.key(), sidecar);
        assertThat(ChangeImpact.hosts(List.of(new ConfigChange(live.get(sidecar.key()), sidecar)), before,
                MeshModel.of(next.values()))).isEmpty();
    }

    @Test
    void aNewNetworkGatewayTranslatesEveryScope() {
        // a gateway changes the assignment names, SNI and endpoints of every service with endpoints behind it,
        // though the change is about one (perhaps unseen) host
        Map<ResourceKey, IstioResource> live = parse(MESH);
        MeshModel before = MeshModel.of(live.values());
        IstioResource gateway = parse("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: eastwest, namespace: istio-system, labels: {topology.istio.io/network: east}}
                spec:
                  hosts: [eastwest.istio-system.svc.cluster.local]
                  addresses: [203.0.113.20]
                  exportTo: [.]
                  ports: [{number: 15443, name: tls, protocol: TLS}]
                  resolution: STATIC
                """).values().iterator().next();
        Map<ResourceKey, IstioResource> next = new LinkedHashMap<>(live);
        next.put(gateway.key(), gateway);
        assertThat(ChangeImpact.hosts(List.of(new ConfigChange(null, gateway)), before, MeshModel.of(next.values()))).isEmpty();
    }

    @Test
    void aWorkloadEntryChangeTranslatesEveryScopeSoItsGrpcServerGetsItsNewPort() {
        // a gRPC server's inbound listeners are its own WorkloadEntry's ports (GrpcInbound): once the revision is
        // not endpoint-only (EndpointChanges.movesGrpcServers), the WorkloadEntry must reach the server's scope
        Map<ResourceKey, IstioResource> live = parse(MESH);
        MeshModel before = MeshModel.of(live.values());
        IstioResource moved = parse("""
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: pay-1, namespace: a}
                spec: {address: 10.0.1.1, ports: {grpc: 19001}, labels: {app: pay}}
                """).values().iterator().next();
        Map<ResourceKey, IstioResource> next = new LinkedHashMap<>(live);
        next.put(moved.key(), moved);
        assertThat(ChangeImpact.hosts(List.of(new ConfigChange(null, moved)), before, MeshModel.of(next.values()))).isEmpty();
    }

    @Test
    void aMeshConfigChangeTranslatesEveryScope() {
        Map<ResourceKey, IstioResource> live = parse(MESH);
        MeshModel before = MeshModel.of(live.values());
        // a kind-less document in mesh.yaml is the MeshConfig: its settings reach every route and listener
        IstioResource mesh = parse("""
                outboundTrafficPolicy: {mode: REGISTRY_ONLY}
                defaultHttpRetryPolicy: {attempts: 5}
                """).values().iterator().next();
        assertThat(mesh.key().toString()).isEqualTo("MeshConfig//mesh");
        Map<ResourceKey, IstioResource> next = new LinkedHashMap<>(live);
        next.put(mesh.key(), mesh);
        assertThat(ChangeImpact.hosts(List.of(new ConfigChange(null, mesh)), before, MeshModel.of(next.values()))).isEmpty();
    }

    @Test
    void aPeerAuthenticationChangeTranslatesEveryScope() {
        Map<ResourceKey, IstioResource> live = parse(MESH);
        MeshModel before = MeshModel.of(live.values());
        // it shapes the inbound chains of the workloads it reaches and the mTLS of every client of their services
        IstioResource policy = parse("""
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default, namespace: b}
                spec: {mtls: {mode: STRICT}}
                """).values().iterator().next();
        Map<ResourceKey, IstioResource> next = new LinkedHashMap<>(live);
        next.put(policy.key(), policy);
        assertThat(ChangeImpact.hosts(List.of(new ConfigChange(null, policy)), before, MeshModel.of(next.values()))).isEmpty();
    }

    /** An AuthorizationPolicy change reaches exactly the scopes of the workloads it selects, before or after. */
    @Test
    void anAuthorizationPolicyReachesTheScopesItSelects() {
        assertThat(reach("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: web, namespace: a}
                spec: {selector: {matchLabels: {app: web}}, rules: [{}]}
                """)).containsExactly("web-1.a", "edge-1.gw");
        assertThat(reach("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: all, namespace: b}
                spec: {action: DENY, rules: [{from: [{source: {notNamespaces: [b]}}]}]}
                """)).containsExactly("web-1.b", "cli-1.b", "edge-1.gw");
        // in the root namespace: the whole mesh
        assertThat(reach("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: mesh, namespace: istio-system}
                spec: {action: AUDIT, rules: [{}]}
                """)).hasSize(PROXIES.size());
    }

    /** The scopes (by workload name) a change adding {@code yaml} reaches; gateways are always reached. */
    private static List<String> reach(String yaml) {
        Map<ResourceKey, IstioResource> live = parse(MESH);
        MeshModel before = MeshModel.of(live.values());
        IstioResource policy = parse(yaml).values().iterator().next();
        Map<ResourceKey, IstioResource> next = new LinkedHashMap<>(live);
        next.put(policy.key(), policy);
        MeshModel after = MeshModel.of(next.values());
        List<ConfigChange> changes = List.of(new ConfigChange(live.get(policy.key()), policy));
        Set<String> hosts = ChangeImpact.hosts(changes, before, after).orElseThrow();
        List<String> out = new ArrayList<>();
        for (ProxyIdentity proxy : PROXIES) {
            if (ChangeImpact.affects(hosts, ChangeImpact.policies(changes), proxy, before, after, false, new HashMap<>())) {
                out.add(proxy.podName() + "." + proxy.namespace());
            }
        }
        return out;
    }
}
