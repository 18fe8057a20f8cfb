package io.strait.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.bus.envelope.ProxyRegistration;
import io.strait.bus.envelope.ProxyStatus;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.bus.envelope.ScopeCoverage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A revision that changes one scope rewrites only that scope's manifest; the translators' coverage records say
 * which manifest serves every other scope, so their proxies count as applied without a new manifest.
 */
class RolloutTest {
    private static final String SOURCE = "folder:config";

    private static MeshStatus.Proxy proxy(String id, String scope, String appliedRevision) {
        return proxy(id, scope, appliedRevision, 5);
    }

    private static MeshStatus.Proxy proxy(String id, String scope, String appliedRevision, long revisionAt) {
        ProxyRegistration reg = new ProxyRegistration(1, id, scope, "SIDECAR", "shop", "default", "Kubernetes", Map.of(),
                "10.0.0.1", "front-a", 0, "");
        ProxyStatus status = new ProxyStatus(1, id, scope, "front-a", Map.of(SOURCE, appliedRevision), Map.of(
                "CDS", new ProxyStatus.TypeStatus("v", "v", null, 10, 20, Map.of(SOURCE, appliedRevision), revisionAt)), 20);
        return new MeshStatus.Proxy(reg, status);
    }

    @Test
    void proxiesOfScopesTheRevisionDidNotChangeHaveAppliedItOnTheirCurrentManifest() {
        MeshStatus status = new MeshStatus(
                List.of(proxy("changed", "scope-a", "r2"), proxy("untouched", "scope-b", "r1"), proxy("behind", "scope-c", "r0")),
                List.of(new RevisionStatus(1, SOURCE, new RevisionStatus.Accepted("r2", 3, 1, 1, List.of()), null)),
                List.of(new ScopeCoverage(2, "translator-1", Map.of(SOURCE, "r2"), List.of(
                                new ScopeCoverage.Served(Map.of(SOURCE, "r2"), 20, List.of("scope-a")),
                                new ScopeCoverage.Served(Map.of(SOURCE, "r1"), 10, List.of("scope-b", "scope-c"))), 1),
                        // a dead translator's record for an older revision says nothing about r2
                        new ScopeCoverage(2, "translator-0", Map.of(SOURCE, "r1"), List.of(
                                new ScopeCoverage.Served(Map.of(SOURCE, "r0"), 0, List.of("scope-c"))), 0)));
        Rollout r = Rollout.of(status, SOURCE, "r2");
        assertThat(r.applied()).containsExactlyInAnyOrder("changed", "untouched");
        assertThat(r.stragglers()).containsExactly("behind");
        assertThat(r.complete()).isFalse();
    }

    @Test
    void aProxyOnAConfigNewerThanItsScopeIsServedFromHasAppliedTheRevision() {
        // scope-d is served from r1 (published at 100); its proxy applied endpoints republished later (r3, at 300),
        // which contain r2; a proxy still on r0 (published at 50) has not
        MeshStatus status = new MeshStatus(
                List.of(proxy("ahead", "scope-d", "r3", 300), proxy("old", "scope-e", "r0", 50)),
                List.of(new RevisionStatus(1, SOURCE, new RevisionStatus.Accepted("r2", 3, 1, 1, List.of()), null)),
                List.of(new ScopeCoverage(2, "translator-1", Map.of(SOURCE, "r2"), List.of(
                        new ScopeCoverage.Served(Map.of(SOURCE, "r1"), 100, List.of("scope-d", "scope-e"))), 1)));
        Rollout r = Rollout.of(status, SOURCE, "r2");
        assertThat(r.applied()).containsExactly("ahead");
        assertThat(r.stragglers()).containsExactly("old");
    }
}
