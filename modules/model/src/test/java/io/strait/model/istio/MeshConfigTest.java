package io.strait.model.istio;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.model.finding.Finding;
import io.strait.model.yaml.YamlReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MeshConfig as Istio reads it: every Istio field accepted, unknown ones refused, Istio's defaults for the rest. */
class MeshConfigTest {

    private static ResourceBinder.Bound bind(String yaml) throws Exception {
        return MeshConfigBinder.bind(YamlReader.read("mesh.yaml", yaml).get(0));
    }

    private static MeshConfig mesh(String yaml) throws Exception {
        return (MeshConfig) bind(yaml).resource().orElseThrow().spec();
    }

    @Test
    void withoutAMeshConfigIstiosDefaultsApply() {
        MeshConfig d = MeshConfig.DEFAULT;
        assertThat(d.trustDomain()).isEqualTo("cluster.local");
        assertThat(d.trustDomainAliases()).isEmpty();
        assertThat(d.rootNamespace()).isEqualTo("istio-system");
        assertThat(d.enableAutoMtls()).isTrue();
        assertThat(d.outboundTrafficPolicy()).isEqualTo(MeshConfig.OutboundMode.ALLOW_ANY);
        assertThat(d.defaultHttpRetryPolicy()).isEmpty();
        assertThat(d.ingressControllerMode()).isEqualTo("STRICT");
        assertThat(d.ingressService()).isEqualTo("istio-ingressgateway");
        assertThat(d.ingressSelector()).isEqualTo("ingressgateway");
        assertThat(d.defaultServiceExportTo()).containsExactly("*");
        assertThat(d.defaultVirtualServiceExportTo()).containsExactly("*");
        assertThat(d.defaultDestinationRuleExportTo()).containsExactly("*");
        assertThat(d.extensionProviders()).extracting(MeshConfig.ExtensionProvider::name)
                .containsExactly("prometheus", "stackdriver", "envoy");
    }

    @Test
    void aUsersWholeIstioMeshConfigIsAcceptedAndKept() throws Exception {
        ResourceBinder.Bound b = bind("""
                accessLogFile: /dev/stdout
                accessLogEncoding: JSON
                enableTracing: true
                enablePrometheusMerge: true
                trustDomain: corp.example
                trustDomainAliases: [old.example, corp.example.]
                rootNamespace: mesh-root
                enableAutoMtls: false
                ingressControllerMode: "OFF"
                outboundTrafficPolicy: {mode: REGISTRY_ONLY}
                localityLbSetting: {enabled: true}
                meshMTLS: {minProtocolVersion: TLSV1_3}
                defaultProviders: {metrics: [prometheus], accessLogging: [envoy]}
                defaultConfig:
                  discoveryAddress: istiod.istio-system.svc:15012
                  holdApplicationUntilProxyStarts: true
                  proxyMetadata: {ISTIO_META_DNS_CAPTURE: "true"}
                  tracing: {sampling: 10, zipkin: {address: zipkin.istio-system:9411}}
                extensionProviders:
                - name: otel
                  opentelemetry: {service: otel.observability.svc.cluster.local, port: 4317}
                - name: envoy
                  envoyFileAccessLog: {path: /var/log/access.log}
                - name: authz
                  envoyExtAuthzGrpc: {service: authz.security.svc.cluster.local, port: 9000}
                defaultHttpRetryPolicy: {attempts: 3, retryOn: 5xx}
                """);
        assertThat(b.findings()).filteredOn(Finding::isError).isEmpty();
        MeshConfig m = (MeshConfig) b.resource().orElseThrow().spec();
        assertThat(b.resource().get().key()).isEqualTo(MeshConfig.KEY);
        assertThat(m.trustDomain()).isEqualTo("corp.example");
        assertThat(m.trustDomainAliases()).containsExactly("corp.example.", "old.example");
        assertThat(m.rootNamespace()).isEqualTo("mesh-root");
        assertThat(m.enableAutoMtls()).isFalse();
        assertThat(m.ingressControllerMode()).isEqualTo("OFF");
        assertThat(m.outboundTrafficPolicy().registryOnly()).isTrue();
        assertThat(m.defaultHttpRetryPolicy()).hasValueSatisfying(r -> {
            assertThat(r.attempts()).isEqualTo(3);
            assertThat(r.retryOn()).isEqualTo("5xx");
        });
        assertThat(m.proxyMetadata()).containsEntry("ISTIO_META_DNS_CAPTURE", "true");
        assertThat(m.defaultConfig().path("holdApplicationUntilProxyStarts").asBoolean()).isTrue();
        // Istio's built-in providers stay, the one named envoy is replaced, the others follow
        assertThat(m.extensionProviders()).extracting(p -> p.name() + ":" + p.type()).containsExactly(
                "prometheus:prometheus", "stackdriver:stackdriver", "envoy:envoyFileAccessLog", "otel:opentelemetry",
                "authz:envoyExtAuthzGrpc");
        assertThat(m.extensionProviders().get(2).settings().path("path").asText()).isEqualTo("/var/log/access.log");
        // one warning names what is valid but not applied yet
        assertThat(b.findings()).filteredOn(f -> f.code().equals("STR0002")).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("accessLogFile", "extensionProviders")
                        .doesNotContain("defaultHttpRetryPolicy", "rootNamespace", "trustDomain"));
    }

    @Test
    void aFieldIstioDoesNotHaveIsAnErrorWithItsPathAndLine() throws Exception {
        ResourceBinder.Bound b = bind("""
                trustDomain: corp.example
                defaultConfig:
                  proxyMetadta: {A: b}
                outboundTrafficPolicy: {mode: DENY_ALL}
                trustDomian: typo.example
                """);
        assertThat(b.resource()).isEmpty();
        List<Finding> errors = b.findings().stream().filter(Finding::isError).toList();
        assertThat(errors).extracting(f -> f.line() + " " + f.field() + ": " + f.message()).containsExactlyInAnyOrder(
                "3 defaultConfig.proxyMetadta: unknown field \"proxyMetadta\"",
                "4 outboundTrafficPolicy.mode: Unsupported value: \"DENY_ALL\": supported values: \"REGISTRY_ONLY\", \"ALLOW_ANY\", \"ALLOW_ANY_DYNAMIC_DNS\"",
                "5 trustDomian: unknown field \"trustDomian\"");
        assertThat(errors).allSatisfy(f -> {
            assertThat(f.file()).isEqualTo("mesh.yaml");
            assertThat(f.resource()).isEqualTo("MeshConfig mesh");
        });
    }

    @Test
    void fieldsIstioRemovedAreAcceptedWithAWarning() throws Exception {
        ResourceBinder.Bound b = bind("""
                mixerCheckServer: istio-policy:15004
                defaultConfig: {connectTimeout: 1s}
                """);
        assertThat(b.resource()).isPresent();
        assertThat(b.findings()).extracting(Finding::field).contains("mixerCheckServer", "defaultConfig.connectTimeout");
        assertThat(b.findings()).noneMatch(Finding::isError);
    }

    @Test
    void aPolicyWrittenWithoutAModeIsTheProtosZeroValue() throws Exception {
        assertThat(mesh("outboundTrafficPolicy: {}").outboundTrafficPolicy()).isEqualTo(MeshConfig.OutboundMode.REGISTRY_ONLY);
        assertThat(mesh("trustDomain: a.b").outboundTrafficPolicy()).isEqualTo(MeshConfig.OutboundMode.ALLOW_ANY);
    }

    @Test
    void accessorsNeverFailOnAnOddTree() throws Exception {
        MeshConfig odd = new MeshConfig(YamlReader.read("x", """
                rootNamespace: [a]
                outboundTrafficPolicy: ALLOW_ANY
                defaultHttpRetryPolicy: {attempts: lots}
                extensionProviders: [{name: x}, 3, {}]
                defaultConfig: 7
                """).get(0).tree());
        assertThat(odd.rootNamespace()).isEqualTo("istio-system");
        assertThat(odd.outboundTrafficPolicy()).isEqualTo(MeshConfig.OutboundMode.ALLOW_ANY);
        assertThat(odd.defaultHttpRetryPolicy()).isEmpty();
        assertThat(odd.extensionProviders()).extracting(MeshConfig.ExtensionProvider::name).contains("x");
        assertThat(odd.proxyMetadata()).isEmpty();
    }
}
