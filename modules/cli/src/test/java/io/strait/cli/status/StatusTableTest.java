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

    @Test
    void registriesShowEachClusterConnectedOrStaleForHowLong() {
        long now = 1_000_000;
        var east = new io.strait.bus.envelope.RegistryStatus(1, "east", "net-1", "kubernetes:east", true, now - 5000, 0, 12, 40, "", now);
        var west = new io.strait.bus.envelope.RegistryStatus(1, "west", "", "kubernetes:west", false, now - 90_000, now - 75_000, 3, 9,
                "API server unreachable: Connection refused; keeping the last published endpoints", now);
        StringBuilder out = new StringBuilder();
        StatusTable.registries(out, List.of(east, west), now);

        assertThat(out.toString()).contains("Registries:").contains("CLUSTER  NETWORK  STATE")
                .containsPattern("east +net-1 +connected +12 +40 +-")
                .containsPattern("west +- +STALE for 75 s +3 +9 +API server unreachable: Connection refused");
        String json = new String(io.strait.model.json.Json.write(new MeshStatus(List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(west))), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json).contains("\"registries\"").contains("\"staleSince\":" + (now - 75_000));
    }

    @Test
    void proxiesShowTheirClusterAndACountPerClusterWhenThereAreSeveral() {
        var synced = new io.strait.bus.envelope.ProxyStatus.TypeStatus("v1", "v1", null, 1, 2, java.util.Map.of(), 1);
        var sent = new io.strait.bus.envelope.ProxyStatus.TypeStatus("v2", "v1", null, 1, 2, java.util.Map.of(), 1);
        java.util.function.BiFunction<String, String, MeshStatus.Proxy> proxy = (id, cluster) -> new MeshStatus.Proxy(
                new io.strait.bus.envelope.ProxyRegistration(1, id, "s", "GRPC", "shop", "default", cluster, java.util.Map.of(),
                        "10.0.0.1", "front-1", 1, ""),
                new io.strait.bus.envelope.ProxyStatus(1, id, "s", "front-1", java.util.Map.of(), java.util.Map.of(
                        "CDS", synced, "EDS", id.equals("c") ? sent : synced, "LDS", synced, "RDS", synced), 1));
        MeshStatus status = new MeshStatus(List.of(proxy.apply("a", "east"), proxy.apply("b", "west"), proxy.apply("c", "west")),
                List.of(), List.of(), List.of());

        String out = StatusTable.render(status);

        assertThat(out).contains("NAME  CLUSTER  SCOPE").containsPattern("\\bb +west +s +front-1 +SYNCED");
        assertThat(out).contains("Proxies per cluster: east 1/1 synced; west 1/2 synced\n");
        assertThat(StatusTable.render(new MeshStatus(List.of(proxy.apply("a", "east")), List.of(), List.of(), List.of())))
                .as("one cluster: no per-cluster line").doesNotContain("per cluster");
    }
}
