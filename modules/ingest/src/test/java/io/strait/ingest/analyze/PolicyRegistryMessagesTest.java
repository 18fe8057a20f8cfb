package io.strait.ingest.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.model.finding.Finding;
import io.strait.model.yaml.YamlDocument;
import io.strait.model.yaml.YamlReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The policy and registry analyzers write Istio's message texts (its {@code messages.yaml} templates, filled in as
 * Go formats them) at Istio's levels (registry-dependent errors are warnings at ingest: {@link RegistryLevels}), and
 * point at the field concerned — what the case tables, which compare codes
 * and resources only, do not check. The files are those of {@code analyze-cases/own-policy-registry.tsv}.
 */
class PolicyRegistryMessagesTest {
    private static final Path DIR = Path.of("src/test/resources/analyze-cases/policy-registry");

    private static List<String> messages(String... files) throws Exception {
        return messages(RegistryLevels.AS_ISTIO, files);
    }

    private static List<String> messages(RegistryLevels levels, String... files) throws Exception {
        List<YamlDocument> docs = new ArrayList<>();
        for (String f : files) {
            docs.addAll(YamlReader.read(f, Files.readString(DIR.resolve(f))));
        }
        return Analyzers.run(new AnalysisInput(docs), Analyzers.defaults(), levels).stream()
                .map(f -> f.level() + " " + f.code() + " " + f.resource() + " " + f.file() + ":" + f.line() + " " + f.message())
                .toList();
    }

    @Test
    void sidecarMessages() throws Exception {
        assertThat(messages("sidecar-selectors.yaml")).contains(
                "ERROR IST0101 Sidecar shop/search-egress sidecar-selectors.yaml:30 Referenced selector not found: \"app=search\"",
                "ERROR IST0110 Sidecar shop/backend-egress sidecar-selectors.yaml:36 The Sidecars [backend-egress checkout-egress] "
                        + "in namespace \"shop\" select the same workload pod \"checkout-5f2\", which can lead to undefined behavior.");
        assertThat(messages("sidecar-namespaces.yaml")).contains(
                "ERROR IST0111 Sidecar team-a/defaults sidecar-namespaces.yaml:17 The Sidecars [defaults more-defaults] in namespace "
                        + "\"team-a\" have no workload selector, which can lead to undefined behavior.",
                "WARNING IST0167 Sidecar edge/defaults sidecar-namespaces.yaml:34 The policy has no impact: namespace is in ambient "
                        + "mode, the policy has no impact.",
                "WARNING IST0167 Sidecar team-b/api sidecar-namespaces.yaml:57 The policy has no impact: selected workload is in "
                        + "ambient mode, the policy has no impact.");
    }

    @Test
    void registryErrorsAreWarningsAtIngestAndConfigConflictsStayErrors() throws Exception {
        assertThat(messages(RegistryLevels.ADVISORY, "sidecar-selectors.yaml")).contains(
                "WARNING IST0101 Sidecar shop/search-egress sidecar-selectors.yaml:30 Referenced selector not found: \"app=search\"",
                "ERROR IST0110 Sidecar shop/backend-egress sidecar-selectors.yaml:36 The Sidecars [backend-egress checkout-egress] "
                        + "in namespace \"shop\" select the same workload pod \"checkout-5f2\", which can lead to undefined behavior.");
        assertThat(messages(RegistryLevels.ADVISORY, "dr-subsets.yaml")).anyMatch(m -> m.startsWith("WARNING IST0173 "));
    }

    @Test
    void authorizationPolicyMessages() throws Exception {
        assertThat(messages("authz-workloads.yaml")).contains(
                "WARNING IST0127 AuthorizationPolicy orders/orders-v1-only authz-workloads.yaml:34 No matching workloads for this "
                        + "resource with the following labels: app=orders,version=v1",
                "WARNING IST0127 AuthorizationPolicy reports/allow-nothing authz-workloads.yaml:41 No matching workloads for this "
                        + "resource with the following labels: ");
        assertThat(messages("authz-namespaces.yaml")).contains(
                "ERROR IST0101 AuthorizationPolicy web/from-unknown authz-namespaces.yaml:37 Referenced namespace not found: \"staging\"",
                "ERROR IST0101 AuthorizationPolicy web/from-unknown authz-namespaces.yaml:40 Referenced namespace not found: \"*-weekly\"");
    }

    @Test
    void destinationRuleMessages() throws Exception {
        assertThat(messages("dr-ca-certificates.yaml")).contains(
                "WARNING IST0128 DestinationRule shop/payments-tls dr-ca-certificates.yaml:8 DestinationRule shop/payments-tls in "
                        + "namespace shop has TLS mode set to SIMPLE but no caCertificates are set to validate server identity for "
                        + "host: payments.example.com",
                "WARNING IST0129 DestinationRule shop/ledger-mtls dr-ca-certificates.yaml:19 DestinationRule shop/ledger-mtls in "
                        + "namespace shop has TLS mode set to MUTUAL but no caCertificates are set to validate server identity for "
                        + "host: ledger.example.com at port number:8443");
        assertThat(messages("dr-subsets.yaml")).contains(
                "ERROR IST0173 DestinationRule books/reviews dr-subsets.yaml:35 The Subset v3 defined in the DestinationRule does "
                        + "not select any pods. Which may lead to 503 UH (NoHealthyUpstream).",
                "WARNING IST0174 DestinationRule books/reviewz dr-subsets.yaml:42 The host reviewz defined in the DestinationRule "
                        + "does not match any services in the mesh.");
    }

    @Test
    void serviceEntryMessages() throws Exception {
        assertThat(messages("se-addresses.yaml")).contains(
                "WARNING IST0134 ServiceEntry data/postgres se-addresses.yaml:11 ServiceEntry addresses are required for this protocol.");
        assertThat(messages("se-protocols.yaml")).contains(
                "WARNING IST0177 ServiceEntry apps/ftp se-protocols.yaml:64 Multiple ServiceEntries (apps/ftp, ops/ftp-http) "
                        + "define the same host \"ftp.example.net\" and port 2121 with conflicting protocols (HTTP, TCP).");
    }

    @Test
    void kubernetesRegistryMessages() throws Exception {
        assertThat(messages("service-port-names.yaml")).contains(
                "INFO IST0118 Service shop/storefront service-port-names.yaml:8 Port name  (port: 80, targetPort: 8080) doesn't "
                        + "follow the naming convention of Istio port.",
                "INFO IST0118 Service shop/storefront service-port-names.yaml:9 Port name web (port: 8081, targetPort: web) "
                        + "doesn't follow the naming convention of Istio port.",
                "WARNING IST0150 Service shop/partner-db service-port-names.yaml:40 Port name for ExternalName service is invalid. "
                        + "Proxy may prevent tcp named ports and unmatched traffic for ports serving TCP protocol from being "
                        + "forwarded correctly");
        assertThat(messages("deployment-services.yaml")).contains(
                "WARNING IST0116 Deployment infra/dns-cache deployment-services.yaml:4 This deployment dns-cache is associated with "
                        + "multiple services using port 53 but different protocols: [infra/dns-tcp infra/dns-udp]",
                "WARNING IST0137 Deployment infra/api deployment-services.yaml:28 This deployment api is associated with multiple "
                        + "services [infra/api infra/api-direct] using targetPort \"8080\" but different ports: [80 8080].");
        assertThat(messages("application-uid.yaml")).contains(
                "WARNING IST0144 Pod jobs/uploader application-uid.yaml:15 User ID (UID) 1337 is reserved for the sidecar proxy.");
    }

    @Test
    void oddDocumentsDoNotThrow() throws Exception {
        String yaml = """
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: odd, namespace: x}
                spec: {selector: [1, 2], rules: {from: 3}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: x}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: s, labels: [a]}
                spec: {ports: {name: 3}, type: 7, selector: "app"}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec: {template: {spec: {containers: "x", securityContext: 1337}}}
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: se}
                spec: {hosts: "h", ports: [{number: "x"}], exportTo: 5}
                status: {addresses: 1}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: dr}
                spec: {host: s, subsets: {name: a}, trafficPolicy: {portLevelSettings: [{tls: {mode: SIMPLE}}]}}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: istio, namespace: istio-system}
                data: {mesh: "[: not yaml"}
                """;
        List<Finding> found = Analyzers.run(new AnalysisInput(YamlReader.read("odd.yaml", yaml)), Analyzers.all());
        assertThat(found).isNotNull();
    }
}
