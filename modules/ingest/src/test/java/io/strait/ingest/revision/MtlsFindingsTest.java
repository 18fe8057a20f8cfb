package io.strait.ingest.revision;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.ingest.load.ConfigLoader;
import io.strait.model.finding.Finding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What ingest says about mTLS policy, now that the translator applies it. */
class MtlsFindingsTest {
    private static List<Finding> warnings(String yaml) {
        RevisionOutcome o = new RevisionBuilder().build("test", null, ConfigLoader.parse(Map.of("a.yaml", yaml)));
        assertThat(o).isInstanceOf(RevisionOutcome.Accepted.class);
        return ((RevisionOutcome.Accepted) o).revision().warnings();
    }

    @Test
    void aPeerAuthenticationIsTranslatedAndPermissiveIsExplainedForGrpcServers() {
        List<Finding> w = warnings("""
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: web, namespace: shop}
                spec:
                  selector: {matchLabels: {app: web}}
                  mtls: {mode: STRICT}
                  portLevelMtls:
                    8080: {mode: PERMISSIVE}
                """);
        assertThat(w).noneMatch(f -> f.message().contains("not translated"));
        assertThat(w).singleElement().satisfies(f -> {
            assertThat(f.field()).isEqualTo("spec.portLevelMtls.8080.mode");
            assertThat(f.message()).contains("proxyless gRPC server", "plain text only");
        });
    }

    @Test
    void istioMutualSaysWhatAClientNeedsInsteadOfHavingNoEffect() {
        List<Finding> w = warnings("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: web, namespace: shop}
                spec:
                  host: web
                  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
                """);
        assertThat(w).noneMatch(f -> f.message().contains("does not issue") || f.message().contains("not translated"));
        assertThat(w).anySatisfy(f -> assertThat(f.message()).contains("ISTIO_MUTUAL", "certificate provider \"default\""));
    }
}
