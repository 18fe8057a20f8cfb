package io.strait.bench;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.strait.bus.envelope.ProxyRegistration;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.topic.Topics;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import io.strait.model.json.Json;
import io.strait.model.proxy.ProxyIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.LoggerFactory;

/**
 * What a one-policy edit puts on the bus in the {@link AuthzMesh} (50 namespaces, 200 workload scopes, 1,000
 * AuthorizationPolicies), measured on the real pipeline: broker, folder ingest and the translator in this JVM, its
 * own change-impact logic deciding which scopes it re-translates, its ledger deciding what is new. The 200 scopes
 * are registered on {@code strait.proxies.v1} the way a front registers them (no proxy connects: the figure is what
 * the translator writes, not what fronts send). It prints, per topic, the records and bytes of the first publish of
 * every scope (what a full re-publish costs: every manifest and every resource, nothing yet on the bus), then of
 * one edit each to a workload-selector, a namespace-wide and a root-namespace policy, with the translator's own
 * count of the scopes it re-translated.
 *
 * <p>Usage (from the repository root, after packaging the benchmarks):
 * {@code java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" io.strait.bench.AuthzChangeHarness}
 */
public final class AuthzChangeHarness {
    private AuthzChangeHarness() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("strait-authz-change");
        Path config = dir.resolve("config");
        AuthzMesh mesh = new AuthzMesh(config);
        mesh.writeServices();
        mesh.writePolicies();
        // the translator's own account of each revision: "translated revision … for N of M scopes (K changed)"
        ch.qos.logback.classic.Logger events = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("strait.events");
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        events.addAppender(log);
        try (StraitNode core = new StraitNode(new NodeOptions(EnumSet.of(Role.INGEST, Role.TRANSLATE), null, 0, dir.resolve("data"),
                config, "127.0.0.1", 0, -1, "none", BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)).start()) {
            BusConfig bus = core.bus();
            quiet(bus, LoadHarness.BusBytes.ends(bus).keySet().stream().collect(java.util.stream.Collectors.toMap(p -> p, p -> 0L)));
            System.out.printf("mesh: %d namespaces, %d workload scopes, %d AuthorizationPolicies (%d in %s)%n",
                    AuthzMesh.NAMESPACES, AuthzMesh.NAMESPACES * AuthzMesh.APPS, AuthzMesh.POLICIES, AuthzMesh.ROOT_POLICIES, AuthzMesh.ROOT);
            Map<TopicPartition, Long> before = LoadHarness.BusBytes.ends(bus);
            register(bus, AuthzMesh.sidecars());
            Map<String, long[]> full = quiet(bus, before);
            print("full publish of every scope", full, null);
            for (AuthzMesh.Reach reach : AuthzMesh.Reach.values()) {
                synchronized (log) {
                    log.list.clear();
                }
                before = LoadHarness.BusBytes.ends(bus);
                mesh.writePolicy(AuthzMesh.policyOf(reach), 1);
                // a revision reaching every scope can take longer than the quiet window to translate: wait for its line
                LoadHarness.waitUntil(() -> translation(log) != null, 120);
                Map<String, long[]> edit = quiet(bus, before);
                String translated = translation(log);
                print("edit one " + reach.name().toLowerCase() + " policy", edit, full);
                System.out.println("    translator: " + translated);
            }
        }
        System.exit(0);
    }

    /** The translator's last "translated revision …" line, or null. */
    private static String translation(ListAppender<ILoggingEvent> log) {
        synchronized (log) { // AppenderBase appends under the appender's lock
            return log.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.startsWith("translated revision")).reduce((a, b) -> b).orElse(null);
        }
    }

    /** Registers each sidecar's scope as a front would: keyed by proxy id, partitioned by scope. */
    private static void register(BusConfig bus, List<ProxyIdentity> sidecars) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(bus.producer("bench", null))) {
            int partitions = producer.partitionsFor(Topics.PROXIES).size();
            for (ProxyIdentity p : sidecars) {
                String scope = p.scopeId();
                ProxyRegistration reg = new ProxyRegistration(1, p.proxyId(), scope, p.type().name(), p.namespace(),
                        p.serviceAccount(), p.clusterId(), p.labels(), p.ip(), "bench", System.currentTimeMillis(), "");
                int partition = Utils.toPositive(Utils.murmur2(scope.getBytes(StandardCharsets.UTF_8))) % partitions;
                producer.send(new ProducerRecord<>(Topics.PROXIES, partition, p.proxyId(), Json.write(reg)));
            }
        }
    }

    /** Waits until the topics received something and then nothing for 3 s; returns what they received. */
    private static Map<String, long[]> quiet(BusConfig bus, Map<TopicPartition, Long> from) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        Map<TopicPartition, Long> last = from;
        long stableSince = Long.MAX_VALUE;
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
            Map<TopicPartition, Long> now = LoadHarness.BusBytes.ends(bus);
            if (!now.equals(last)) {
                last = now;
                stableSince = System.currentTimeMillis();
            } else if (!now.equals(from) && System.currentTimeMillis() - stableSince > 3_000) {
                return LoadHarness.BusBytes.byTopic(bus, from);
            }
        }
        throw new IllegalStateException("the bus did not settle within 120 s");
    }

    private static void print(String what, Map<String, long[]> counts, Map<String, long[]> full) {
        long bytes = counts.values().stream().mapToLong(c -> c[1]).sum();
        StringBuilder line = new StringBuilder(String.format("%-36s %,10d bytes", what, bytes));
        if (full != null) {
            // the first publish wrote a coverage record per scope (scopes came up one by one); one batch writes one
            long[] coverage = full.get(Topics.XDS_COVERAGE);
            long fullXds = full.entrySet().stream().filter(e -> !e.getKey().equals(Topics.CONFIG) && !e.getKey().equals(Topics.XDS_COVERAGE))
                    .mapToLong(e -> e.getValue()[1]).sum() + coverage[1] / Math.max(1, coverage[0]);
            long xds = counts.entrySet().stream().filter(e -> !e.getKey().equals(Topics.CONFIG)).mapToLong(e -> e.getValue()[1]).sum();
            line.append(String.format("  (xDS topics %,d = %.2f%% of a full re-publish's %,d)", xds, 100.0 * xds / fullXds, fullXds));
        }
        System.out.println(line);
        counts.forEach((topic, c) -> System.out.printf("    %-28s %,6d records %,12d bytes%n", topic, c[0], c[1]));
    }
}
