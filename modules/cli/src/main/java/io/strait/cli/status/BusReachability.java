package io.strait.cli.status;

import io.strait.bus.kafka.BusConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * A bounded first question to the bus before the CLI reads it: with every broker down a Kafka client would wait out
 * each of its timeouts in turn, topic after topic; this answers within {@code within} with one line instead.
 */
final class BusReachability {
    private BusReachability() {
    }

    /** Returns when a broker answers; throws with an actionable one-line message when none does within {@code within}. */
    static void require(BusConfig bus, Duration within) {
        Map<String, Object> config = new HashMap<>(bus.admin());
        int ms = (int) within.toMillis();
        config.put("request.timeout.ms", ms);
        config.put("default.api.timeout.ms", ms);
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms)).clusterId().get(ms + 1000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reaching the bus at " + bus.bootstrapServers());
        } catch (Exception e) {
            throw new IllegalStateException("the bus is unreachable: no Kafka broker at " + bus.bootstrapServers() + " answered within "
                    + within.toSeconds() + " s; check --kafka and that the cluster is up");
        }
    }
}
