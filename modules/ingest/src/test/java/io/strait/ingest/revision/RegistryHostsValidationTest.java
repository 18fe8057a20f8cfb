package io.strait.ingest.revision;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.ingest.analyze.AnalysisInput;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.validate.RevisionValidator;
import io.strait.model.finding.Finding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validation with the clusters' registry: a host published on strait.endpoints.v1 is a real service. */
class RegistryHostsValidationTest {
    private static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              ports: [{name: http, port: 9080}]
            """;

    private static String vs(String destination) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: bookinfo}
                spec:
                  hosts: [reviews.example.com]
                  http:
                  - route: [{destination: %s}]
                """.formatted(destination);
    }

    private static List<Finding> findings(List<AnalysisInput.ClusterHost> registry, Map<String, String> files) {
        RevisionOutcome outcome = new RevisionBuilder(new RevisionValidator(() -> registry)).build("test", null, ConfigLoader.parse(files));
        return outcome instanceof RevisionOutcome.Rejected r ? r.findings()
                : ((RevisionOutcome.Accepted) outcome).revision().warnings();
    }

    private static final List<AnalysisInput.ClusterHost> REGISTRY =
            List.of(new AnalysisInput.ClusterHost("reviews.bookinfo.svc.cluster.local", "bookinfo", List.of(9080)));

    @Test
    void aHostOnlyTheRegistryKnowsIsAcceptedWithItsPortChecked() {
        String good = vs("{host: reviews.bookinfo.svc.cluster.local, port: {number: 9080}}");
        assertThat(findings(List.of(), Map.of("vs.yaml", good))).extracting(Finding::code).contains("IST0101");
        assertThat(findings(REGISTRY, Map.of("vs.yaml", good))).extracting(Finding::code).doesNotContain("IST0101", "STR0005");

        List<Finding> wrongPort = findings(REGISTRY, Map.of("vs.yaml", vs("{host: reviews.bookinfo.svc.cluster.local, port: {number: 80}}")));
        assertThat(wrongPort).anySatisfy(f -> assertThat(f.describe()).contains("host:port not found"));
    }

    @Test
    void str0005IsGoneWhenTheKubernetesServiceIsInTheRegistry() {
        Map<String, String> files = Map.of("svc.yaml", SERVICE, "vs.yaml", vs("{host: reviews.bookinfo.svc.cluster.local}"));
        assertThat(findings(List.of(), files)).extracting(Finding::code).contains("STR0005");
        assertThat(findings(REGISTRY, files)).extracting(Finding::code).doesNotContain("STR0005");
    }
}
