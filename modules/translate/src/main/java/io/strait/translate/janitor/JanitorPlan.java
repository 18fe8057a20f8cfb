package io.strait.translate.janitor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One sweep's decision: the keys of {@code strait.xds.resources.v1} (resources and bundles) and of
 * {@code strait.xds.endpoints.v1} (clusters served by name) that no live manifest has named for the retention, and so
 * get a tombstone. A pure function of what the janitor has seen; deciding twice from the same view decides the same,
 * and a tombstone written twice is one delete, so a second janitor acting at the same time does no harm.
 *
 * @param resources resource and bundle hashes to tombstone, sorted
 * @param clusters  cluster names whose assignment to tombstone, sorted
 */
public record JanitorPlan(List<String> resources, List<String> clusters) {
    public JanitorPlan {
        resources = List.copyOf(resources);
        clusters = List.copyOf(clusters);
    }

    /** Nothing to tombstone. */
    public static final JanitorPlan NONE = new JanitorPlan(List.of(), List.of());

    public boolean isEmpty() {
        return resources.isEmpty() && clusters.isEmpty();
    }

    /**
     * @param resourcesLastNamed per key on the resources topic, when it was last named by a live manifest or written
     *                           (epoch millis)
     * @param clustersLastNamed  the same per key on the endpoints topic
     * @param named              what the live manifests name right now: never tombstoned, whatever the times say
     * @param now                epoch millis
     * @param retention          how long a key must have gone unnamed
     */
    public static JanitorPlan decide(Map<String, Long> resourcesLastNamed, Map<String, Long> clustersLastNamed, Named named,
                                     long now, Duration retention) {
        return new JanitorPlan(expired(resourcesLastNamed, named.hashes(), now, retention),
                expired(clustersLastNamed, named.clusters(), now, retention));
    }

    private static List<String> expired(Map<String, Long> lastNamed, Set<String> named, long now, Duration retention) {
        TreeSet<String> out = new TreeSet<>();
        long limit = retention.toMillis();
        lastNamed.forEach((key, at) -> {
            if (!named.contains(key) && now - at >= limit) {
                out.add(key);
            }
        });
        return List.copyOf(out);
    }

    /**
     * What the live manifests name.
     *
     * @param hashes   resource and bundle hashes, bundles' entries included
     * @param clusters clusters served by name, bundles' names included
     */
    public record Named(Set<String> hashes, Set<String> clusters) {
        public Named {
            hashes = Set.copyOf(hashes);
            clusters = Set.copyOf(clusters);
        }
    }
}
