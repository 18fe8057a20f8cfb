package io.strait.cli.status;

import io.strait.bus.envelope.FrontLease;
import io.strait.bus.envelope.ProxyRegistration;
import io.strait.bus.envelope.ProxyStatus;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.bus.envelope.RolloutState;
import io.strait.bus.envelope.ScopeCoverage;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.TopicSnapshot;
import io.strait.bus.topic.Topics;
import io.strait.model.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Builds a {@link MeshStatus} by reading the compacted status topics to their end. */
public final class StatusReader {
    private StatusReader() {
    }

    public static MeshStatus read(BusConfig bus, Duration timeout) {
        Map<String, byte[]> registrations = TopicSnapshot.read(bus, Topics.PROXIES, timeout);
        Map<String, byte[]> statuses = TopicSnapshot.read(bus, Topics.PROXY_STATUS, timeout);
        Map<String, byte[]> revisions = TopicSnapshot.read(bus, Topics.REVISIONS, timeout);
        Map<String, byte[]> coverage = TopicSnapshot.read(bus, Topics.XDS_COVERAGE, timeout);
        Map<String, byte[]> leases = TopicSnapshot.read(bus, Topics.FRONTS, timeout);
        Map<String, byte[]> rolloutRecords = TopicSnapshot.read(bus, Topics.ROLLOUTS, timeout);
        Map<String, byte[]> registryRecords = TopicSnapshot.read(bus, Topics.REGISTRIES, timeout);
        long now = System.currentTimeMillis();
        List<MeshStatus.Proxy> proxies = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        registrations.forEach((id, value) -> {
            ProxyRegistration registration = Json.read(value, ProxyRegistration.class);
            byte[] lease = leases.get(registration.front());
            // a front that renewed no lease (none written yet, or an older front) is taken at its word
            if (lease != null && !Json.read(lease, FrontLease.class).holdsAt(now)) {
                lost.add(id);
                return;
            }
            byte[] status = statuses.get(id);
            proxies.add(new MeshStatus.Proxy(registration, status == null ? null : Json.read(status, ProxyStatus.class)));
        });
        lost.sort(null);
        proxies.sort(Comparator.comparing(p -> p.registration().proxyId()));
        List<RevisionStatus> sources = new ArrayList<>();
        revisions.values().forEach(v -> sources.add(Json.read(v, RevisionStatus.class)));
        sources.sort(Comparator.comparing(RevisionStatus::source));
        List<ScopeCoverage> covered = new ArrayList<>();
        coverage.values().forEach(v -> covered.add(Json.read(v, ScopeCoverage.class)));
        List<RolloutState> rollouts = new ArrayList<>();
        rolloutRecords.forEach((key, v) -> {
            if (key.startsWith(RolloutState.KEY_PREFIX)) {
                rollouts.add(Json.read(v, RolloutState.class));
            }
        });
        List<io.strait.bus.envelope.RegistryStatus> registries = new ArrayList<>();
        registryRecords.values().forEach(v -> registries.add(Json.read(v, io.strait.bus.envelope.RegistryStatus.class)));
        registries.sort(Comparator.comparing(io.strait.bus.envelope.RegistryStatus::cluster));
        return new MeshStatus(proxies, sources, covered, lost, rollouts, registries);
    }
}
