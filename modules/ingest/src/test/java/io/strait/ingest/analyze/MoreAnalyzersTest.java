package io.strait.ingest.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.model.finding.Finding;
import io.strait.model.yaml.YamlReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Analyzers of the list that Istio's sample cases do not exercise. */
class MoreAnalyzersTest {

    private static List<String> run(Analyzer analyzer, String yaml) throws Exception {
        return Analyzers.run(new AnalysisInput(YamlReader.read("t.yaml", yaml)), List.of(analyzer)).stream()
                .map(f -> f.code() + " " + f.resource()).toList();
    }

    @Test
    void twoMeshVirtualServicesForOneHostConflict() throws Exception {
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: a, namespace: shop}
                spec: {hosts: [cart], http: [{route: [{destination: {host: cart}}]}]}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: b, namespace: shop}
                spec: {hosts: [cart.shop.svc.cluster.local], http: [{route: [{destination: {host: cart}}]}]}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: at-gateway, namespace: shop}
                spec: {hosts: [cart], gateways: [ingress], http: [{route: [{destination: {host: cart}}]}]}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: other-ns, namespace: billing}
                spec: {hosts: [cart.shop.svc.cluster.local], exportTo: ["."], http: [{route: [{destination: {host: cart}}]}]}
                """;
        // a and b, exported everywhere, define the host for billing too, where other-ns defines it as well
        assertThat(run(new MeshHostConflictAnalyzer(), yaml)).containsExactlyInAnyOrder(
                "IST0109 VirtualService shop/a", "IST0109 VirtualService shop/b", "IST0109 VirtualService billing/other-ns");
    }

    @Test
    void twoGatewaysOnOneWorkloadWithOneCertificateAreDuplicates() throws Exception {
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: one}
                spec:
                  selector: {istio: ingressgateway}
                  servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.example.com], tls: {mode: SIMPLE, credentialName: cert}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: two}
                spec:
                  selector: {istio: ingressgateway}
                  servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [b.example.com], tls: {mode: SIMPLE, credentialName: cert}}]
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: elsewhere}
                spec:
                  selector: {istio: egressgateway}
                  servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [c.example.com], tls: {mode: SIMPLE, credentialName: cert}}]
                """;
        assertThat(run(new GatewayAnalyzers.DuplicateCertificates(), yaml))
                .containsExactlyInAnyOrder("IST0138 Gateway default/one", "IST0138 Gateway default/two");
    }

    @Test
    void aDestinationRuleForAHostNoServiceDeclaresIsFlagged() throws Exception {
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: ratings, namespace: shop}
                spec: {ports: [{port: 9080}]}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: ok, namespace: shop}
                spec: {host: ratings}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: typo, namespace: shop}
                spec: {host: ratingz}
                """;
        assertThat(run(new SubsetSelectsPodsAnalyzer(), yaml)).containsExactly("IST0174 DestinationRule shop/typo");
    }

    @Test
    void findingsCarryLineAndColumnOfTheirField() throws Exception {
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: v}
                spec:
                  hosts: [x]
                  http:
                  - route:
                    - destination:
                        host: nowhere
                """;
        Finding f = Analyzers.run(new AnalysisInput(YamlReader.read("t.yaml", yaml)), List.of(new DestinationHostAnalyzer())).get(0);
        assertThat(f.line()).isEqualTo(9);
        assertThat(f.column()).isEqualTo(9);
    }
}
