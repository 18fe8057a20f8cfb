package io.strait.translate.janitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.bus.envelope.ResourceBundle;
import io.strait.bus.envelope.ScopeManifest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JanitorLedgerTest {
    private static final Duration RETENTION = Duration.ofMinutes(10);
    private static final long MIN = 60_000;
    private static final byte[] RESOURCE = {1, 0x0a};

    static ScopeManifest manifest(String scope, List<String> hashes, List<String> clusters, Map<String, String> bundles) {
        List<ScopeManifest.NamedHash> named = hashes.stream().map(h -> new ScopeManifest.NamedHash("r-" + h, h)).toList();
        return new ScopeManifest(1, scope, 1, Map.of(), Map.of("cds", named), clusters, bundles, 0, 0);
    }

    @Test
    void aKeyNoManifestNamesIsTombstonedOnlyOnceItHasGoneUnnamedForTheRetention() {
        JanitorLedger ledger = new JanitorLedger();
        ledger.resource("a", RESOURCE, 0);
        ledger.resource("b", RESOURCE, 0);
        ledger.assignment("c1", true, 0);
        ledger.assignment("c2", true, 0);
        ledger.manifest("s", manifest("s", List.of("a"), List.of("c1"), Map.of()), 0);

        assertThat(ledger.sweep(9 * MIN, RETENTION).isEmpty()).isTrue(); // b and c2 unnamed for 9 minutes only
        JanitorPlan plan = ledger.sweep(10 * MIN, RETENTION);
        assertThat(plan.resources()).containsExactly("b");
        assertThat(plan.clusters()).containsExactly("c2");
        // planned once: not again before the tombstone is read back
        assertThat(ledger.sweep(11 * MIN, RETENTION).isEmpty()).isTrue();
        // a is named by the live manifest whatever the time
        assertThat(ledger.sweep(100 * MIN, RETENTION).isEmpty()).isTrue();
    }

    @Test
    void theRetentionCountsFromWhenTheKeyWasLastNamedOrWritten() {
        JanitorLedger ledger = new JanitorLedger();
        ledger.resource("a", RESOURCE, 0);
        ledger.manifest("s", manifest("s", List.of("a"), List.of(), Map.of()), 0);
        ledger.manifest("s", manifest("s", List.of(), List.of(), Map.of()), 5 * MIN); // a unnamed from minute 5
        assertThat(ledger.sweep(14 * MIN, RETENTION).isEmpty()).isTrue();
        ledger.resource("a", RESOURCE, 14 * MIN); // written again: a translator is about to name it
        assertThat(ledger.sweep(23 * MIN, RETENTION).isEmpty()).isTrue();
        assertThat(ledger.sweep(24 * MIN, RETENTION).resources()).containsExactly("a");
    }

    @Test
    void whatABundleListsIsNamedByTheManifestsThatNameTheBundle() {
        JanitorLedger ledger = new JanitorLedger();
        ledger.resource("a", RESOURCE, 0);
        ledger.resource("b", RESOURCE, 0);
        ledger.assignment("c1", true, 0);
        byte[] bundle = new ResourceBundle(List.of(new ScopeManifest.NamedHash("r-a", "a")), List.of()).encode();
        byte[] names = new ResourceBundle(List.of(), List.of("c1")).encode();
        ledger.resource("bundle-1", bundle, 0);
        ledger.resource("names-1", names, 0);
        ledger.manifest("s", manifest("s", List.of(), List.of(), Map.of("cds", "bundle-1", ScopeManifest.ENDPOINTS_BUNDLE, "names-1")), 0);

        JanitorPlan plan = ledger.sweep(60 * MIN, RETENTION);
        assertThat(plan.resources()).containsExactly("b");
        assertThat(plan.clusters()).isEmpty();
    }

    @Test
    void nothingIsSweptWhileALiveManifestNamesABundleNotReadYet() {
        JanitorLedger ledger = new JanitorLedger();
        ledger.resource("a", RESOURCE, 0);
        ledger.manifest("s", manifest("s", List.of(), List.of(), Map.of("cds", "bundle-1")), 0);
        assertThat(ledger.missingBundle()).isPresent();
        assertThat(ledger.sweep(60 * MIN, RETENTION).isEmpty()).isTrue(); // a may be in the bundle

        ledger.resource("bundle-1", new ResourceBundle(List.of(new ScopeManifest.NamedHash("r-a", "a")), List.of()).encode(), 61 * MIN);
        assertThat(ledger.sweep(120 * MIN, RETENTION).isEmpty()).isTrue();
    }

    @Test
    void aTombstoneReadBackOrADeletedScopeIsForgotten() {
        JanitorLedger ledger = new JanitorLedger();
        ledger.resource("a", RESOURCE, 0);
        ledger.manifest("s", manifest("s", List.of("a"), List.of(), Map.of()), 0);
        ledger.manifest("s", null, MIN); // the scope's manifest deleted: a is unnamed from minute 1
        assertThat(ledger.manifests()).isZero();
        assertThat(ledger.sweep(11 * MIN, RETENTION).resources()).containsExactly("a");
        ledger.resource("a", null, 11 * MIN);
        assertThat(ledger.resources()).isZero();
    }

    @Test
    void aPlanWhoseTombstonesFailedIsPlannedAgain() {
        JanitorLedger ledger = new JanitorLedger();
        ledger.resource("a", RESOURCE, 0);
        JanitorPlan plan = ledger.sweep(10 * MIN, RETENTION);
        assertThat(plan.resources()).containsExactly("a");
        ledger.unplanned(plan, 10 * MIN - RETENTION.toMillis());
        assertThat(ledger.sweep(11 * MIN, RETENTION).resources()).containsExactly("a");
    }

    @Test
    void decidingTwiceFromTheSameViewDecidesTheSame() {
        Map<String, Long> resources = Map.of("a", 0L, "b", 0L, "c", 9 * MIN);
        JanitorPlan.Named named = new JanitorPlan.Named(java.util.Set.of("b"), java.util.Set.of());
        JanitorPlan first = JanitorPlan.decide(resources, Map.of(), named, 10 * MIN, RETENTION);
        assertThat(first.resources()).containsExactly("a");
        assertThat(JanitorPlan.decide(resources, Map.of(), named, 10 * MIN, RETENTION)).isEqualTo(first);
    }
}
