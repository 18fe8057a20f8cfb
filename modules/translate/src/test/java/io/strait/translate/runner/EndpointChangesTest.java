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
    void theAssignmentByNameIsTheOneAScopeTranslationGives() {
        MeshModel model = MeshModel.of(parse(BILLING));
        assertThat(ScopeTranslator.assignment(model, "outbound|9000||billing.shop.svc.cluster.local")
                .getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getAddress()).isEqualTo("10.1.0.1");
    }
}
