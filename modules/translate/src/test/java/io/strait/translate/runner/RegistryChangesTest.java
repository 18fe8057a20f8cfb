package io.strait.translate.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strait.bus.envelope.ClusterService;
import io.strait.model.json.Json;
import io.strait.model.mesh.MeshModel;
import io.strait.model.mesh.ServiceRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Registry records gathered into steps, and which steps only move endpoints. */
class RegistryChangesTest {
    private static final String HOST = "reviews.default.svc.cluster.local";

    static ClusterService record(String cluster, int port, String sa, String... ips) {
        return new ClusterService(1, cluster, "", "default", "reviews", HOST, Map.of(), List.of(),
                List.of(new ClusterService.Port("http", port, "HTTP", 0)),
                java.util.Arrays.stream(ips).map(ip -> new ClusterService.Endpoint(ip, Map.of("http", 9080),
                        Map.of("app", "reviews"), sa, "", "HEALTHY", "")).toList(), 0);
    }

    private static ServiceRegistry registry(ClusterService... records) {
        return ServiceRegistry.of(java.util.Arrays.stream(records).map(RegistryLog::toModel).toList());
    }

    @Test
    void aBurstOfRecordsIsOneStepWithTheLastRecordPerKey() {
        RegistryLog log = new RegistryLog();
        assertThat(log.id()).isEqualTo("0");
        log.accept(0, 0, 100, "c1/default/reviews", Json.write(record("c1", 9080, "r", "10.0.0.1")));
        log.accept(0, 1, 200, "c1/default/reviews", Json.write(record("c1", 9080, "r", "10.0.0.2")));
        log.accept(3, 0, 150, "c2/default/reviews", Json.write(record("c2", 9080, "r", "10.1.0.1")));
        RegistryLog.Step step = log.drain();
        assertThat(step.changes()).containsOnlyKeys("c1/default/reviews", "c2/default/reviews");
        assertThat(step.changes().get("c1/default/reviews").endpoints()).extracting(ServiceRegistry.Endpoint::address)
                .containsExactly("10.0.0.2");
        assertThat(step.id()).isEqualTo("3");
        assertThat(step.at()).isEqualTo(200);
        assertThat(log.hasChanges()).isFalse();

        log.accept(3, 1, 300, "c2/default/reviews", null); // deleted from c2
        RegistryLog.Step tomb = log.drain();
        assertThat(tomb.changes()).containsEntry("c2/default/reviews", null);
        assertThat(Integer.parseInt(tomb.id())).isGreaterThan(Integer.parseInt(step.id()));
    }

    @Test
    void aRecordUnderAnotherKeyOrNotARecordIsRefusedWithItsKey() {
        RegistryLog log = new RegistryLog();
        assertThatThrownBy(() -> log.accept(0, 0, 0, "c9/default/reviews", Json.write(record("c1", 9080, "r", "10.0.0.1"))))
                .hasMessageContaining("c9/default/reviews holds c1/default/reviews");
        assertThatThrownBy(() -> log.accept(0, 1, 0, "c1/default/x", "not json".getBytes()))
                .hasMessageContaining("c1/default/x is not a ClusterService");
        assertThat(log.hasChanges()).isFalse();
        assertThat(log.id()).isEqualTo("2"); // skipped records still count: the id is a position
    }

    @Test
    void onlyEndpointMovesAreEndpointOnly() {
        MeshModel before = MeshModel.of(List.of()).withRegistry(registry(record("c1", 9080, "r", "10.0.0.1"),
                record("c2", 9080, "r", "10.1.0.1")));
        ServiceRegistry reg = before.registry();

        ServiceRegistry moved = reg.with(RegistryLog.toModel(record("c1", 9080, "r", "10.0.0.2", "10.0.0.3")));
        Set<String> hosts = RegistryChanges.hosts(reg, Map.of("c1/default/reviews", RegistryLog.toModel(record("c1", 9080, "r", "10.0.0.2"))));
        assertThat(hosts).containsExactly(HOST);
        assertThat(RegistryChanges.endpointOnly(hosts, before, before.withRegistry(moved))).contains(Set.of(HOST));
        // emptied in one cluster: still endpoint-only (the other cluster keeps the service)
        assertThat(RegistryChanges.endpointOnly(hosts, before, before.withRegistry(reg.with(RegistryLog.toModel(record("c1", 9080, "r"))))))
                .isPresent();

        // a port change, a new identity, the service gone: scopes are translated
        assertThat(RegistryChanges.endpointOnly(hosts, before, before.withRegistry(reg.with(RegistryLog.toModel(record("c1", 9090, "r", "10.0.0.1"))))))
                .isEmpty();
        assertThat(RegistryChanges.endpointOnly(hosts, before, before.withRegistry(reg.with(RegistryLog.toModel(record("c1", 9080, "other", "10.0.0.1"))))))
                .isEmpty();
        assertThat(RegistryChanges.endpointOnly(hosts, before, before.withRegistry(ServiceRegistry.EMPTY))).isEmpty();
        assertThat(RegistryChanges.endpointOnly(hosts, MeshModel.of(List.of()), before)).isEmpty();
    }
}
