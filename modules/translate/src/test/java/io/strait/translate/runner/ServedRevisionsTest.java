package io.strait.translate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.bus.envelope.ScopeCoverage;
import io.strait.bus.envelope.ScopeManifest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServedRevisionsTest {
    private static ScopeManifest manifest(String scope, String revision, long at, String... endpoints) {
        return new ScopeManifest(1, scope, at, Map.of("src", revision), Map.of(), List.of(endpoints), Map.of(), at, at);
    }

    @Test
    void aScopeIsServedFromItsManifestOrFromNewerEndpointsItNames() {
        ServedRevisions served = new ServedRevisions();
        ScopeManifest a = manifest("a", "r1", 10, "outbound|80||x");
        ScopeManifest b = manifest("b", "r1", 10, "outbound|80||y");
        ScopeManifest c = manifest("c", "r1", 10);
        served.adopt(served.next(List.of("a", "b", "c"), Map.of(), List.of(a, b, c), Set.of(), Map.of("src", "r1"), 10));

        // r2 changes c's manifest and the endpoints of x: a is served from r2 by name, b still from r1
        ScopeManifest c2 = manifest("c", "r2", 20);
        Map<String, ServedRevisions.Served> next = served.next(List.of("a", "b", "c"), Map.of("a", a, "b", b, "c", c),
                List.of(c2), Set.of("outbound|80||x"), Map.of("src", "r2"), 20);
        assertThat(next.get("a")).isEqualTo(new ServedRevisions.Served(Map.of("src", "r2"), 20));
        assertThat(next.get("b")).isEqualTo(new ServedRevisions.Served(Map.of("src", "r1"), 10));
        assertThat(next.get("c")).isEqualTo(new ServedRevisions.Served(Map.of("src", "r2"), 20));

        ScopeCoverage coverage = ServedRevisions.coverage("t1", Map.of("src", "r2"), next);
        assertThat(coverage.served()).hasSize(2);
        assertThat(coverage.revisionsByScope()).containsEntry("b", Map.of("src", "r1")).containsEntry("a", Map.of("src", "r2"));
        assertThat(coverage.servedAtByScope()).containsEntry("c", 20L);
    }
}
