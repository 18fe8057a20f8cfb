package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.cli.demo.ProxylessClient;
import java.util.Map;
import java.util.TreeMap;

/** Sends real RPCs through a proxyless client and counts which backend answered each. */
final class Traffic {
    private Traffic() {
    }

    static Map<String, Integer> count(ProxylessClient client, Map<String, String> headers, int calls) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < calls; i++) {
            counts.merge(client.call(headers, 5_000), 1, Integer::sum);
        }
        return counts;
    }

    /** Asserts each backend's share of {@code calls} RPCs is within {@code points} percentage points of its weight. */
    static void assertSplit(ProxylessClient client, Map<String, Integer> weights, int calls, double points) {
        // gRPC picks weighted clusters and localities at random, so each share is binomial: a tolerance under 4
        // standard deviations fails about once in a few thousand runs (a 50/50 split over 200 calls with 10 points
        // is 2.8 sigma and did fail in CI). Refuse such a check rather than let it flake.
        weights.forEach((backend, weight) -> {
            double sigma = 100.0 * Math.sqrt(weight / 100.0 * (1 - weight / 100.0) / calls);
            if (points < 4 * sigma) {
                throw new IllegalArgumentException("a split check of " + calls + " calls within " + points
                        + " points is under 4 sigma for " + backend + " at " + weight + "%: make more calls");
            }
        });
        Map<String, Integer> counts = count(client, Map.of(), calls);
        System.out.println("observed split over " + calls + " RPCs: " + counts + " (weights " + weights + ")");
        assertThat(counts.keySet()).isSubsetOf(weights.keySet());
        weights.forEach((backend, weight) -> {
            double share = 100.0 * counts.getOrDefault(backend, 0) / calls;
            assertThat(share).as("share of %s", backend).isCloseTo(weight, org.assertj.core.data.Offset.offset(points));
        });
    }

    static void assertAll(ProxylessClient client, Map<String, String> headers, String backend, int calls) {
        assertThat(count(client, headers, calls)).containsOnlyKeys(backend);
    }
}
