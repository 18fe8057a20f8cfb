package io.strait.cli.status;

import io.strait.bus.envelope.ProxyRegistration;
import io.strait.bus.envelope.ProxyStatus;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.bus.envelope.ScopeCoverage;
import java.util.List;
import java.util.Map;

/**
 * What {@code strait status} shows: each connected proxy with its per-type sync state, and each source's live
 * and last rejected revision. Read from the bus; served as JSON by the admin port.
 *
 * @param proxies  connected proxies, by node id
 * @param sources  config sources, by name
 * @param coverage the translators' coverage records
 * @param lost     proxy ids registered by fronts whose lease ran out (crashed, and the proxy did not reconnect
 *                 elsewhere): not counted as connected, nor by rollouts
 * @param rollouts the staged rollouts' states ({@code --rollout}), one per revision that had one
 * @param registries each Kubernetes cluster's registry source: connected, or stale since when ({@code strait.registries.v1})
 */
public record MeshStatus(List<Proxy> proxies, List<RevisionStatus> sources, List<ScopeCoverage> coverage,
                         List<String> lost, List<io.strait.bus.envelope.RolloutState> rollouts,
                         List<io.strait.bus.envelope.RegistryStatus> registries) {
    public MeshStatus {
        registries = registries == null ? List.of() : registries;
        proxies = proxies == null ? List.of() : proxies;
        sources = sources == null ? List.of() : sources;
        coverage = coverage == null ? List.of() : coverage;
        lost = lost == null ? List.of() : lost;
        rollouts = rollouts == null ? List.of() : rollouts;
    }

    /** A status without registries (no Kubernetes source has written one). */
    public MeshStatus(List<Proxy> proxies, List<RevisionStatus> sources, List<ScopeCoverage> coverage, List<String> lost,
                      List<io.strait.bus.envelope.RolloutState> rollouts) {
        this(proxies, sources, coverage, lost, rollouts, List.of());
    }

    public MeshStatus(List<Proxy> proxies, List<RevisionStatus> sources, List<ScopeCoverage> coverage, List<String> lost) {
        this(proxies, sources, coverage, lost, List.of());
    }

    /** The staged rollout of a source's revision, if it had one. */
    public java.util.Optional<io.strait.bus.envelope.RolloutState> rollout(String source, String revision) {
        return rollouts.stream().filter(r -> r.source().equals(source) && r.revision().equals(revision)).findFirst();
    }

    public MeshStatus(List<Proxy> proxies, List<RevisionStatus> sources, List<ScopeCoverage> coverage) {
        this(proxies, sources, coverage, List.of());
    }

    /**
     * For a source's revision: scope id to the revision of the manifest that serves it, from the translators'
     * coverage records of that revision (a scope the revision did not change is still served from an older one).
     */
    public Map<String, String> servedFrom(String source, String revision) {
        Map<String, String> out = new java.util.HashMap<>();
        for (ScopeCoverage c : coverage) {
            if (revision.equals(c.revisions().get(source))) {
                c.revisionsByScope().forEach((scope, revs) -> {
                    if (revs.get(source) != null) {
                        out.put(scope, revs.get(source));
                    }
                });
            }
        }
        return out;
    }

    /**
     * For a source's revision: scope id to when the config it is served from was published, from the same coverage
     * records as {@link #servedFrom}.
     */
    public Map<String, Long> servedAt(String source, String revision) {
        Map<String, Long> out = new java.util.HashMap<>();
        for (ScopeCoverage c : coverage) {
            if (revision.equals(c.revisions().get(source))) {
                out.putAll(c.servedAtByScope());
            }
        }
        return out;
    }

    /** One connected proxy as its front last reported it. */
    public record Proxy(ProxyRegistration registration, ProxyStatus status) {
        /** Per xDS type: SYNCED, STALE or NACK; an empty map before the first response. */
        public Map<String, ProxyStatus.TypeStatus> types() {
            return status == null ? Map.of() : status.types();
        }
    }
}
