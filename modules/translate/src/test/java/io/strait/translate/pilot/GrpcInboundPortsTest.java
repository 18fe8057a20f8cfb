package io.strait.translate.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A gRPC server's inbound listeners come from its own endpoints' ports, as Istio builds them from the proxy's
 * service targets: three versions of one host as WorkloadEntries on three ports each get the listener of theirs.
 */
class GrpcInboundPortsTest {
    private static final String REVIEWS = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews.bookinfo.svc.cluster.local]
              ports: [{number: 9080, name: grpc, protocol: GRPC}]
              resolution: STATIC
              workloadSelector: {labels: {app: reviews}}
            ---
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata: {name: reviews-v1, namespace: bookinfo}
            spec: {address: 127.0.0.1, ports: {grpc: 19081}, labels: {app: reviews, version: v1}}
            ---
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata: {name: reviews-v2, namespace: bookinfo}
            spec: {address: 127.0.0.1, ports: {grpc: 19082}, labels: {app: reviews, version: v2}}
            ---
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata: {name: reviews-v3, namespace: bookinfo}
            spec: {address: 127.0.0.1, labels: {app: reviews, version: v3}}
            """;

    private static ProxyIdentity server(Map<String, String> labels) {
        return ProxyIdentity.of("sidecar~127.0.0.1~reviews-1.bookinfo~bookinfo.svc.cluster.local",
                Map.of("GENERATOR", "grpc"), labels);
    }

    private static java.util.List<String> inbound(MeshModel model, ProxyIdentity proxy) {
        return new ScopeTranslator().translate(model, proxy).listeners().stream().map(Listener::getName)
                .filter(n -> n.startsWith(GrpcInbound.LISTENER_PREFIX)).toList();
    }

    @Test
    void eachVersionListensOnItsOwnWorkloadEntrysPort() {
        MeshModel model = TestMeshes.of(REVIEWS);
        assertThat(inbound(model, server(Map.of("app", "reviews", "version", "v1"))))
                .containsExactly("xds.istio.io/grpc/lds/inbound/0.0.0.0:19081");
        assertThat(inbound(model, server(Map.of("app", "reviews", "version", "v2", "pod-template-hash", "x"))))
                .as("a proxy may carry more labels than its WorkloadEntry")
                .containsExactly("xds.istio.io/grpc/lds/inbound/0.0.0.0:19082");
        assertThat(inbound(model, server(Map.of("app", "reviews", "version", "v3"))))
                .as("a WorkloadEntry without a port for the name listens on the service port")
                .containsExactly("xds.istio.io/grpc/lds/inbound/0.0.0.0:9080");
    }

    @Test
    void aServerNoEndpointDescribesFallsBackToTheServicePort() {
        assertThat(inbound(TestMeshes.of(REVIEWS), server(Map.of("app", "reviews", "version", "v9"))))
                .containsExactly("xds.istio.io/grpc/lds/inbound/0.0.0.0:9080");
    }

    @Test
    void replicasWithEqualLabelsShareOneScopeSoTheyGetTheUnionOfTheirPorts() {
        MeshModel model = TestMeshes.of(REVIEWS + """
                ---
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: reviews-v1-b, namespace: bookinfo}
                spec: {address: 127.0.0.2, ports: {grpc: 19091}, labels: {app: reviews, version: v1}}
                """);
        assertThat(inbound(model, server(Map.of("app", "reviews", "version", "v1")))).containsExactly(
                "xds.istio.io/grpc/lds/inbound/0.0.0.0:19081", "xds.istio.io/grpc/lds/inbound/0.0.0.0:19091");
    }

    @Test
    void versionsThatOwnDifferentWorkloadEntriesDoNotShareTheirInputs() {
        MeshModel model = TestMeshes.of(REVIEWS);
        // nothing else tells v1 from v2 here (no subset routing reads server labels): their own WorkloadEntries must
        assertThat(ScopeTranslator.inputsOf(model, server(Map.of("app", "reviews", "version", "v1"))))
                .isNotEqualTo(ScopeTranslator.inputsOf(model, server(Map.of("app", "reviews", "version", "v2"))));
    }
}
