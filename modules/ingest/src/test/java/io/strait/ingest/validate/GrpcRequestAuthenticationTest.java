package io.strait.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.revision.RevisionBuilder;
import io.strait.ingest.revision.RevisionOutcome;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A RequestAuthentication is said to have no effect on proxyless gRPC servers, with its field path. */
class GrpcRequestAuthenticationTest {
    @Test
    void aRequestAuthenticationIsWarnedAsNoEffectOnGrpcServers() {
        RevisionOutcome outcome = new RevisionBuilder().build("t", null, ConfigLoader.parse(Map.of("ra.yaml", """
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: jwt, namespace: shop}
                spec:
                  selector: {matchLabels: {app: greeter}}
                  jwtRules:
                  - issuer: https://issuer.example.com
                    jwksUri: https://issuer.example.com/jwks
                """)));
        assertThat(outcome).isInstanceOf(RevisionOutcome.Accepted.class);
        assertThat(((RevisionOutcome.Accepted) outcome).revision().warnings()).anySatisfy(w -> {
            assertThat(w.code()).isEqualTo("STR0006");
            assertThat(w.field()).isEqualTo("spec.jwtRules");
            assertThat(w.file()).isEqualTo("ra.yaml");
            assertThat(w.message()).contains("proxyless gRPC servers validate no JWT", "no effect");
        });
        // and nothing says the kind is untranslated any more
        assertThat(((RevisionOutcome.Accepted) outcome).revision().warnings()).noneMatch(w -> w.code().equals("STR0002"));
    }
}
