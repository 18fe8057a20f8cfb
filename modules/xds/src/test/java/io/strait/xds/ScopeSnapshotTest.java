package io.strait.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScopeSnapshotTest {
    private final ScopeSnapshot snapshot = new ScopeSnapshot(Snapshot.create(
            List.of(Cluster.newBuilder().setName("a").build(), Cluster.newBuilder().setName("b").build()), "cds1",
            List.of(), "eds1", List.of(), "lds1", List.of(), "rds1", List.of(), ""),
            Map.of(Resources.ResourceType.CLUSTER, Map.of("a", "hash-a", "b", "hash-b")));

    @Test
    void aChangedSubscriptionHasItsOwnVersionSoItIsAlwaysAnswered() {
        String ab = snapshot.version(Resources.ResourceType.CLUSTER, List.of("a", "b"));
        String a = snapshot.version(Resources.ResourceType.CLUSTER, List.of("a"));
        assertThat(ab).startsWith("cds1.").isNotEqualTo(a);
        assertThat(snapshot.version(Resources.ResourceType.CLUSTER, List.of("b", "a", "b"))).isEqualTo(ab);
        assertThat(snapshot.version(Resources.ResourceType.CLUSTER, List.of())).isEqualTo("cds1");
        assertThat(snapshot.resources(Resources.ResourceType.CLUSTER)).containsOnlyKeys("a", "b");
    }

    @Test
    void eachResourceIsVersionedByItsContentHashTheSameOnEveryFront() {
        assertThat(snapshot.versionedResources(Resources.ResourceType.CLUSTER).get("a").version()).isEqualTo("hash-a");
        assertThat(snapshot.versionedResources(Resources.ResourceType.CLUSTER).get("b").version()).isEqualTo("hash-b");
    }

    @Test
    void theLedgerTracesANackToTheVersionItRefused() {
        NackLedger ledger = new NackLedger();
        ledger.sent("node", "t", "0", "v1");
        ledger.sent("node", "t", "1", "v2");
        ledger.sent("other", "t", "1", "x");
        assertThat(ledger.versionOf("node", "t", "1")).isEqualTo("v2");
        assertThat(ledger.versionOf("node", "u", "1")).isNull();
        for (int i = 2; i < 20; i++) {
            ledger.sent("node", "t", String.valueOf(i), "v" + i);
        }
        assertThat(ledger.versionOf("node", "t", "0")).as("only recent nonces are kept").isNull();
        ledger.forget("node");
        assertThat(ledger.versionOf("node", "t", "19")).isNull();
        assertThat(ledger.versionOf("other", "t", "1")).isEqualTo("x");
    }
}
