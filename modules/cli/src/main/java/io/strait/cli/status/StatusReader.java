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
            ProxyRegistration registration = readable(Topics.PROXIES, id, value, ProxyRegistration.class);
            if (registration == null || !usable(id, registration)) {
                return;
            }
            byte[] lease = leases.get(registration.front());
            FrontLease held = lease == null ? null : readable(Topics.FRONTS, registration.front(), lease, FrontLease.class);
            // a front that renewed no lease (none written yet, or an older front) is taken at its word
            if (held != null && !held.holdsAt(now)) {
                lost.add(id);
                return;
            }
            byte[] status = statuses.get(id);
            proxies.add(new MeshStatus.Proxy(registration, status == null ? null : readable(Topics.PROXY_STATUS, id, status, ProxyStatus.class)));
        });
        lost.sort(null);
        proxies.sort(Comparator.comparing(p -> p.registration().proxyId()));
        List<RevisionStatus> sources = new ArrayList<>();
        revisions.forEach((k, v) -> add(sources, readable(Topics.REVISIONS, k, v, RevisionStatus.class)));
        sources.sort(Comparator.comparing(RevisionStatus::source));
        List<ScopeCoverage> covered = new ArrayList<>();
        coverage.forEach((k, v) -> add(covered, readable(Topics.XDS_COVERAGE, k, v, ScopeCoverage.class)));
        List<RolloutState> rollouts = new ArrayList<>();
        rolloutRecords.forEach((key, v) -> {
            if (key.startsWith(RolloutState.KEY_PREFIX)) {
                add(rollouts, readable(Topics.ROLLOUTS, key, v, RolloutState.class));
            }
        });
        List<io.strait.bus.envelope.RegistryStatus> registries = new ArrayList<>();
        registryRecords.values().forEach(v -> registries.add(Json.read(v, io.strait.bus.envelope.RegistryStatus.class)));
        registries.sort(Comparator.comparing(io.strait.bus.envelope.RegistryStatus::cluster));
        return new MeshStatus(proxies, sources, covered, lost, rollouts, registries);
    }

    /** The value, or null (logged and counted as a poison record) when it cannot be read: status shows the rest. */
    private static <T> T readable(String topic, String key, byte[] value, Class<T> type) {
        try {
            return Json.read(value, type);
        } catch (RuntimeException e) {
            io.strait.bus.kafka.PoisonRecords.skipped("status", topic, key, e);
            return null;
        }
    }

    /** A registration of an envelope version this Strait reads, with the fields every view of a proxy needs. */
    private static boolean usable(String key, ProxyRegistration r) {
        try {
            io.strait.bus.kafka.PoisonRecords.requireVersion(r.v(), 1, "proxy registration " + key);
            if (r.proxyId() == null || r.scope() == null || r.type() == null) {
                throw new IllegalArgumentException("proxy registration " + key + " has no proxy id, scope or type");
            }
            return true;
        } catch (IllegalArgumentException e) {
            io.strait.bus.kafka.PoisonRecords.skipped("status", Topics.PROXIES, key, e);
            return false;
        }
    }

    private static <T> void add(List<T> to, T value) {
        if (value != null) {
            to.add(value);
        }
    }
}
