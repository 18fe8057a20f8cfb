package io.strait.translate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.model.istio.IstioResource;
import io.strait.model.mesh.MeshModel;
import io.strait.translate.pilot.ScopeTranslator;
import io.strait.translate.pilot.TestMeshes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EndpointChangesTest {
    private static final String BILLING = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: billing, namespace: shop}
            spec:
              hosts: [billing.shop.svc.cluster.local]
              ports: [{number: 9000, name: grpc, protocol: GRPC}]
              resolution: STATIC
              workloadSelector: {labels: {app: billing}}
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: web, namespace: shop}
            spec:
              hosts: [web.shop.svc.cluster.local]
              ports: [{number: 80, name: http, protocol: HTTP}]
              resolution: STATIC
              endpoints: [{address: 10.0.0.1}]
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: db, namespace: shop}
            spec:
              hosts: [db.shop.svc.cluster.local]
              ports: [{number: 5432, name: tcp, protocol: TCP}]
              resolution: DNS
              endpoints: [{address: db-1.example.com}]
            ---
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata: {name: vm-1, namespace: shop}
            spec: {address: 10.1.0.1, labels: {app: billing}}
            """;

    private static List<IstioResource> parse(String yaml) {
        return TestMeshes.resources(yaml);
    }

    /** The changes from {@code before} to {@code before} with {@code edited} put in (by key). */
    private static Optional<Set<String>> affected(String before, String edited) {
        List<IstioResource> old = parse(before);
        List<IstioResource> now = new ArrayList<>(old);
        List<ConfigChange> changes = new ArrayList<>();
        for (IstioResource e : parse(edited)) {
            IstioResource was = old.stream().filter(r -> r.key().equals(e.key())).findFirst().orElse(null);
            now.remove(was);
            now.add(e);
            changes.add(new ConfigChange(was, e));
        }
        return EndpointChanges.affectedHosts(changes, MeshModel.of(old), MeshModel.of(now));
    }

    @Test
    void aNewWorkloadEntryTouchesTheServicesSelectingIt() {
        assertThat(affected(BILLING, """
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: vm-2, namespace: shop}
                spec: {address: 10.1.0.2, labels: {app: billing}}
                """)).contains(Set.of("billing.shop.svc.cluster.local"));
    }

    @Test
    void aWorkloadWithANewIdentityChangesTheClustersMtlsSoItIsAFullTranslation() {
        // vm-2 runs as another service account: billing's clusters now accept one more server SAN (CDS, not EDS)
        assertThat(affected(BILLING, """
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: vm-2, namespace: shop}
                spec: {address: 10.1.0.2, serviceAccount: billing-canary, labels: {app: billing}}
                """)).isEmpty();
    }

    @Test
    void underAWorkloadPeerAuthenticationEndpointLabelsMayDecideMtlsSoItIsAFullTranslation() {
        assertThat(affected(BILLING + """
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: billing, namespace: shop}
                spec: {selector: {matchLabels: {app: billing}}, mtls: {mode: STRICT}}
                """, """
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: vm-2, namespace: shop}
                spec: {address: 10.1.0.2, labels: {app: billing}}
                """)).isEmpty();
    }

    @Test
    void aServiceEntryWhoseEndpointsAloneChangedTouchesItsHosts() {
        assertThat(affected(BILLING, """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: web, namespace: shop}
                spec:
                  hosts: [web.shop.svc.cluster.local]
                  ports: [{number: 80, name: http, protocol: HTTP}]
                  resolution: STATIC
                  endpoints: [{address: 10.0.0.1}, {address: 10.0.0.2}]
                """)).contains(Set.of("web.shop.svc.cluster.local"));
    }

    @Test
    void anythingElseIsAFullTranslation() {
        // a new port changes clusters and listeners
        assertThat(affected(BILLING, """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: web, namespace: shop}
                spec:
                  hosts: [web.shop.svc.cluster.local]
                  ports: [{number: 80, name: http, protocol: HTTP}, {number: 81, name: http2, protocol: HTTP}]
                  resolution: STATIC
                  endpoints: [{address: 10.0.0.1}]
                """)).isEmpty();
        // a DNS service carries its endpoints in its cluster
        assertThat(affected(BILLING, """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: db, namespace: shop}
                spec:
                  hosts: [db.shop.svc.cluster.local]
                  ports: [{number: 5432, name: tcp, protocol: TCP}]
                  resolution: DNS
                  endpoints: [{address: db-2.example.com}]
                """)).isEmpty();
        // any other kind
        assertThat(affected(BILLING, """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: billing, namespace: shop}
                spec: {host: billing, subsets: [{name: v1, labels: {version: v1}}]}
                """)).isEmpty();
    }

    @Test
    void aWorkloadEntryPortChangeMovesItsGrpcServersListenerSoItIsNotEndpointOnly() {
        String mesh = BILLING.replace("spec: {address: 10.1.0.1, labels: {app: billing}}",
                "spec: {address: 10.1.0.1, ports: {grpc: 19000}, labels: {app: billing}}");
        String moved = """
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: vm-1, namespace: shop}
                spec: {address: 10.1.0.1, ports: {grpc: 19001}, labels: {app: billing}}
                """;
        MeshModel before = MeshModel.of(parse(mesh));
        List<IstioResource> now = new ArrayList<>(parse(mesh));
        now.removeIf(r -> r.key().name().equals("vm-1"));
        now.addAll(parse(moved));
        MeshModel after = MeshModel.of(now);
        var server = io.strait.model.proxy.ProxyIdentity.of("sidecar~10.1.0.1~billing-1.shop~shop.svc.cluster.local",
                Map.of("GENERATOR", "grpc"), Map.of("app", "billing"));
        var client = io.strait.model.proxy.ProxyIdentity.of("sidecar~10.1.0.9~web-1.shop~shop.svc.cluster.local",
                Map.of("GENERATOR", "grpc"), Map.of("app", "web"));
        assertThat(affected(mesh, moved)).as("by the model alone it is endpoints only").isPresent();
        assertThat(EndpointChanges.movesGrpcServers(List.of(client), before, after)).as("a client's listeners stay").isFalse();
        assertThat(EndpointChanges.movesGrpcServers(List.of(client, server), before, after)).isTrue();
    }

    @Test
    void theAssignmentByNameIsTheOneAScopeTranslationGives() {
        MeshModel model = MeshModel.of(parse(BILLING));
        assertThat(ScopeTranslator.assignment(model, "outbound|9000||billing.shop.svc.cluster.local")
                .getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getAddress()).isEqualTo("10.1.0.1");
    }

    private static final String GATEWAY = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: eastwest, namespace: istio-system, labels: {topology.istio.io/network: east}}
            spec:
              hosts: [eastwest.istio-system.svc.cluster.local]
              ports: [{number: 15443, name: tls, protocol: TLS}]
              resolution: STATIC
              endpoints: [{address: 203.0.113.20}]
            """;

    @Test
    void aGatewayThatMovesIsAFullTranslationAndAnEndpointBehindItIsNot() {
        // the gateway's address comes from its endpoints: moving it changes every assignment with east endpoints
        assertThat(affected(BILLING + "---\n" + GATEWAY, GATEWAY.replace("203.0.113.20", "203.0.113.21"))).isEmpty();
        // an endpoint change elsewhere, with the gateways as they were, stays endpoint-only (served by name per network)
        assertThat(affected(BILLING + "---\n" + GATEWAY, """
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: vm-2, namespace: shop}
                spec: {address: 10.1.0.2, network: east, labels: {app: billing}}
                """)).contains(Set.of("billing.shop.svc.cluster.local"));
    }
}
