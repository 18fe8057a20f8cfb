package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.bus.kafka.BusConfig;
import io.strait.bus.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Strait on a real three-broker KRaft cluster (each broker its own JVM, replication factor 3, min.insync.replicas 2),
 * every role in its own JVM, twenty proxies following the routes. During a stream of twenty revisions — each
 * awaited on every proxy before the next is written — one broker is killed with kill -9: the leader of
 * {@code strait.config.v1}, or (the other case) the active controller. Every revision is committed exactly once, in
 * order (read back with read_committed: one marker each, carrying its own change), every proxy ends on the last one,
 * and no role's JVM died. The stall the proxies saw is printed next to the typical revision-to-ACK time.
 */
class BrokerLossTest {
    private static final int PROXIES = 20;
    private static final int SCOPES = 4;
    private static final int REVISIONS = 20;
    /** The revision written right after the kill: it is published through the leader change. */
    private static final int KILLED_AT = 8;
    private static final int FIRST_WEIGHT = 20;

    /** Which broker dies. */
    enum Victim { CONFIG_LEADER, ACTIVE_CONTROLLER }

    @ParameterizedTest
    @EnumSource(Victim.class)
    void revisionsSurviveTheLossOfABroker(Victim victim, @TempDir Path tmp) throws Exception {
        try (TestKafkaCluster cluster = TestKafkaCluster.start(tmp.resolve("kafka"), 3);
             MeshFixture mesh = new MeshFixture(tmp.resolve("config"))) {
            BusConfig bus = cluster.bus();
            String source = "folder:config";
            int xdsPort = io.strait.bus.kafka.EmbeddedKafka.freePort();
            List<String> common = List.of("--kafka", cluster.bootstrapServers(), "--admin-port", "-1");
            List<RoleProcess> roles = new ArrayList<>();
            List<AckingProxy> proxies = new ArrayList<>();
            try {
                // ingest first: it creates the topics (replication factor 3 asked for explicitly; the others' default,
                // every broker up to three, is the same here)
                RoleProcess ingest = new RoleProcess("ingest", tmp.resolve("ingest"), concat(common, "--config",
                        mesh.configDir.toString(), "--data-dir", tmp.resolve("ingest").toString(), "--replication-factor", "3"));
                roles.add(ingest);
                await().atMost(Duration.ofSeconds(90)).until(() -> ingest.output().contains("accepted"));
                RoleProcess translate = new RoleProcess("translate", tmp.resolve("translate"),
                        concat(common, "--data-dir", tmp.resolve("translate").toString()));
                roles.add(translate);
                RoleProcess xds = new RoleProcess("xds", tmp.resolve("xds"), concat(common, "--xds-port", String.valueOf(xdsPort),
                        "--front-id", "front-k", "--data-dir", tmp.resolve("xds").toString()));
                roles.add(xds);
                await().atMost(Duration.ofSeconds(90)).until(() -> translate.output().contains("now owns scope partitions")
                        && xds.output().contains("ADS (gRPC"));
                List<Long> pids = roles.stream().map(RoleProcess::pid).toList();
                assertReplicated(bus);

                for (int i = 0; i < PROXIES; i++) {
                    proxies.add(new AckingProxy(xdsPort, "team-" + (i % SCOPES), i));
                }
                awaitAll(proxies, FIRST_WEIGHT, Duration.ofSeconds(120));

                long[] took = new long[REVISIONS + 1];
                long killedAt = 0;
                long stall = 0;
                long firstStall = 0;
                int killed = -1;
                String role = "";
                for (int i = 1; i <= REVISIONS; i++) {
                    if (i == KILLED_AT) {
                        int leader = cluster.leaderOf(Topics.CONFIG, 0);
                        int controller = cluster.activeController();
                        killed = victim == Victim.CONFIG_LEADER ? leader : controller;
                        role = "node " + killed + (killed == leader ? ", leader of " + Topics.CONFIG + "-0" : "")
                                + (killed == controller ? ", active controller" : "");
                        killedAt = System.nanoTime();
                        long pid = cluster.kill(killed);
                        System.out.printf("kill -9 of kafka %s (pid %d)%n", role, pid);
                    }
                    long written = System.nanoTime();
                    mesh.writeVirtualService(MeshFixture.split(70 - i, FIRST_WEIGHT + i, 10));
                    awaitAll(proxies, FIRST_WEIGHT + i, Duration.ofSeconds(120));
                    took[i] = latestAck(proxies) - written;
                    if (i == KILLED_AT) {
                        stall = latestAck(proxies) - killedAt;
                        firstStall = proxies.stream().mapToLong(p -> p.last().atNanos()).min().orElseThrow() - killedAt;
                    }
                }
                assertThat(cluster.isAlive(killed)).isFalse();

                // exactly once, in order: the initial revision, then one marker per revision, each with its own change
                List<RevisionLog.Committed> log = RevisionLog.read(bus, source);
                assertThat(log.stream().map(RevisionLog.Committed::v2Weight).toList())
                        .as("the v2 weight each committed revision carried, in log order")
                        .containsExactlyElementsOf(IntStream.rangeClosed(FIRST_WEIGHT, FIRST_WEIGHT + REVISIONS).boxed().toList());
                assertThat(log.stream().map(RevisionLog.Committed::revision).distinct().count()).isEqualTo(REVISIONS + 1);
                for (AckingProxy p : proxies) {
                    assertThat(p.weight()).as(p.node.getId()).isEqualTo(FIRST_WEIGHT + REVISIONS);
                    assertThat(p.ended()).as(p.node.getId() + "'s stream").isNull();
                }
                for (RoleProcess r : roles) {
                    assertThat(r.isAlive()).as("role still running").isTrue();
                }
                assertThat(roles.stream().map(RoleProcess::pid).toList()).isEqualTo(pids);

                List<Long> typical = new ArrayList<>();
                for (int i = 1; i <= REVISIONS; i++) {
                    if (i != KILLED_AT) {
                        typical.add(took[i]);
                    }
                }
                typical.sort(null);
                System.out.printf("broker loss (%s, %s): %d revisions x %d proxies in %d scopes, each committed once, in order; "
                                + "revision written -> last proxy ACKed: median %d ms, max %d ms (excluding the kill); "
                                + "kill -> the next revision ACKed by the first proxy %d ms, by every proxy %d ms (broker.session.timeout.ms %d)%n",
                        victim, role, REVISIONS, PROXIES, SCOPES, ms(typical.get(typical.size() / 2)), ms(typical.get(typical.size() - 1)),
                        ms(firstStall), ms(stall), KafkaCluster.BROKER_SESSION_TIMEOUT_MS);
                for (RoleProcess r : roles) {
                    long failures = r.output().lines().filter(l -> l.contains("failed") || l.contains("could not")).count();
                    System.out.printf("  %s: %d lines reporting a failure%n", r, failures);
                }
            } finally {
                InProcess.close(proxies.toArray(new AutoCloseable[0]));
                InProcess.close(roles.toArray(new AutoCloseable[0]));
            }
        }
    }

    /** The topics were created with three replicas and a minimum ISR of two. */
    private static void assertReplicated(BusConfig bus) throws Exception {
        try (Admin admin = Admin.create(bus.admin())) {
            var config = admin.describeTopics(List.of(Topics.CONFIG)).allTopicNames().get(30, TimeUnit.SECONDS).get(Topics.CONFIG);
            assertThat(config.partitions().get(0).replicas()).hasSize(3);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, Topics.CONFIG);
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS);
            assertThat(configs.get(resource).get("min.insync.replicas").value()).isEqualTo("2");
        }
    }

    private static void awaitAll(List<AckingProxy> proxies, int weight, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(20))
                .until(() -> proxies.stream().allMatch(p -> p.weight() == weight));
    }

    /** When the last of the proxies ACKed what it holds now. */
    private static long latestAck(List<AckingProxy> proxies) {
        return proxies.stream().mapToLong(p -> p.last().atNanos()).max().orElseThrow();
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(List.of(b));
        return out;
    }
}
