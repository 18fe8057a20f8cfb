package io.strait.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.bus.envelope.RevisionStatus;
import io.strait.model.finding.Finding;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code strait status} prints about the live revision of each source. */
class StatusTableTest {
    private static final String SOURCE = "folder:config";

    /**
     * A jwksUri ingest cannot fetch is a warning of the accepted revision (STR0007, written by {@code JwksKeys}):
     * the operator must see where it is and which URI failed, since that issuer's tokens are refused meanwhile.
     */
    @Test
    void aLiveRevisionsJwksFetchFailureIsShownWithFileLineAndUri() {
        Finding failed = new Finding(Finding.Level.WARNING, "STR0007", "security/jwt.yaml", 12, 5,
                "RequestAuthentication shop/issuers", "spec.jwtRules[0].jwksUri",
                "cannot fetch JWKS from https://keys.example.com/jwks.json: HTTP 503; no token of issuer "
                        + "\"https://example.com\" is accepted until a fetch succeeds (fail closed)");
        MeshStatus status = new MeshStatus(List.of(),
                List.of(new RevisionStatus(1, SOURCE, new RevisionStatus.Accepted("r7", 4, 1, 1, List.of(failed)), null)),
                List.of(), List.of());

        String out = StatusTable.render(status);

        assertThat(out).contains("Revision r7 of folder:config is live with 1 warning:");
        assertThat(out).contains("  STR0007 security/jwt.yaml:12: warning: RequestAuthentication shop/issuers: "
                + "spec.jwtRules[0].jwksUri: cannot fetch JWKS from https://keys.example.com/jwks.json: HTTP 503");
    }

    @Test
    void aLiveRevisionWithoutWarningsAddsNothing() {
        MeshStatus status = new MeshStatus(List.of(),
                List.of(new RevisionStatus(1, SOURCE, new RevisionStatus.Accepted("r7", 4, 1, 1, List.of()), null)),
                List.of(), List.of());

        assertThat(StatusTable.render(status)).doesNotContain("warning");
    }
}
