package io.strait.ingest.analyze;

import static org.assertj.core.api.Assertions.assertThatCode;

import io.strait.model.yaml.YamlReader;
import org.junit.jupiter.api.Test;

/** Analyzers look at documents that do not validate too: fields of the wrong type must not make them throw. */
class OddInputAnalyzersTest {
    @Test
    void fieldsOfTheWrongTypeAreNoReasonToThrow() throws Exception {
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p, labels: [a], annotations: [sidecar.istio.io/inject]}
                spec: {initContainers: {name: istio-init}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: n, annotations: {sidecar.istio.io/proxyCPU: {cores: 1}, traffic.sidecar.istio.io/excludeInboundPorts: null}}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: q
                  labels: {gateway.networking.k8s.io/gateway-name: gw}
                  annotations: {traffic.sidecar.istio.io/includeOutboundIPRanges: "300.1.1.1/8,::1/200,", status.sidecar.istio.io/port: "99999999999999999999999", proxy.istio.io/config: "[1, 2]"}
                ---
                apiVersion: networking.istio.io/v1alpha3
                kind: EnvoyFilter
                metadata: {name: e}
                spec: {priority: high, configPatches: {applyTo: HTTP_ROUTE}}
                ---
                apiVersion: networking.istio.io/v1alpha3
                kind: EnvoyFilter
                metadata: {name: f}
                spec: {configPatches: [{patch: {operation: [ADD], value: [x]}, match: {proxy: {proxyVersion: [1]}}}]}
                ---
                apiVersion: telemetry.istio.io/v1
                kind: Telemetry
                metadata: {name: t}
                spec: {selector: [app], accessLogging: {providers: []}, tracing: [{providers: {name: ls}}]}
                ---
                apiVersion: telemetry.istio.io/v1
                kind: Telemetry
                metadata: {name: u}
                spec: {selector: {matchLabels: [x]}, accessLogging: [7], tracing: 3}
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: a}
                spec: {selector: "gw", targetRef: null}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: v}
                spec: {http: {fault: {delay: {percent: lots}}}}
                ---
                apiVersion: networking.istio.io/v1
                kind: Sidecar
                metadata: {name: s}
                spec: {outboundTrafficPolicy: [egressProxy]}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: istio, namespace: istio-system}
                data: {mesh: "extensionProviders: {name: ls}\\n  bad: [indent"}
                ---
                extensionProviders: [{name: ls, lightstep: {}}, {lightstep: {}}, "x"]
                defaultProviders: {accessLogging: envoy}
                """;
        var input = new AnalysisInput(YamlReader.read("odd.yaml", yaml));
        assertThatCode(() -> Analyzers.run(input, Analyzers.all())).doesNotThrowAnyException();
    }
}
