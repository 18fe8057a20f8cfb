package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.strait.bus.kafka.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole bus down for {@link #OUTAGE}: every broker of the cluster killed (kill -9), then started again on the
 * same ports with its data. Each role runs in its own JVM (ingest watching a folder, translate, an xDS front), with
 * {@link #PROXIES} proxies following the routes. During the outage the front keeps every stream open on the last
 * config, a proxy that connects meanwhile gets the whole of it (LDS, RDS, CDS, EDS) from memory, ingest holds the
 * revision written to the folder, {@code /readyz} and {@code strait status --kafka} say the bus is unreachable, in
 * one line and without hanging. When the bus returns the held revision is committed once and reaches every proxy;
 * no role restarted. The time from the brokers' restart to the last proxy's ACK is printed.
 */
class BusOutageTest {
    /** How long the bus is down: the 30 s. */
    static final Duration OUTAGE = Duration.ofSeconds(30);
    /** One broker is enough for an outage (all of them die); a cluster of three works the same, at thrice the cost. */
    private static final int NODES = 1;
    private static final int PROXIES = 12;
    private static final int SCOPES = 3;
    private static final int FIRST_WEIGHT = 20;
    private static final int HELD_WEIGHT = 27;
    private static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
    private static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
    private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    private static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void frontsServeFromMemoryAndIngestHoldsTheRevisionWhileTheWholeBusIsDown(@TempDir Path tmp) throws Exception {
        try (TestKafkaCluster cluster = TestKafkaCluster.start(tmp.resolve("kafka"), NODES);
             MeshFixture mesh = new MeshFixture(tmp.resolve("config"))) {
            String source = "folder:config";
            int xdsPort = EmbeddedKafka.freePort();
            Map<String, Integer> adminPorts = new LinkedHashMap<>();
            for (String role : List.of("ingest", "translate", "xds")) {
                adminPorts.put(role, EmbeddedKafka.freePort());
            }
            List<RoleProcess> roles = new ArrayList<>();
            List<AckingProxy> proxies = new ArrayList<>();
            RawAdsStream newcomer = null;
            try {
                RoleProcess ingest = new RoleProcess("ingest", tmp.resolve("ingest"), args(cluster, adminPorts.get("ingest"), tmp, "ingest",
                        "--config", mesh.configDir.toString()));
                roles.add(ingest);
                await().atMost(Duration.ofSeconds(90)).until(() -> ingest.output().contains("accepted"));
                RoleProcess translate = new RoleProcess("translate", tmp.resolve("translate"), args(cluster, adminPorts.get("translate"), tmp,
                        "translate"));
                roles.add(translate);
                RoleProcess xds = new RoleProcess("xds", tmp.resolve("xds"), args(cluster, adminPorts.get("xds"), tmp, "xds",
                        "--xds-port", String.valueOf(xdsPort), "--front-id", "front-o"));
                roles.add(xds);
                await().atMost(Duration.ofSeconds(90)).until(() -> translate.output().contains("now owns scope partitions")
                        && xds.output().contains("ADS (gRPC"));
                List<Long> pids = roles.stream().map(RoleProcess::pid).toList();
                for (int i = 0; i < PROXIES; i++) {
                    proxies.add(new AckingProxy(xdsPort, "team-" + (i % SCOPES), i));
                }
                awaitAll(proxies, FIRST_WEIGHT, Duration.ofSeconds(120));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> adminPorts.forEach((role, port) ->
                        assertThat(get(port, "/readyz")).as(role + " /readyz with the bus up").isEqualTo("200 ok")));

                // the outage: every broker dies at once
                long down = System.nanoTime();
                for (int node = 1; node <= cluster.size(); node++) {
                    System.out.printf("kill -9 of kafka node %d (pid %d)%n", node, cluster.kill(node));
                }
                mesh.writeVirtualService(MeshFixture.split(70 - (HELD_WEIGHT - FIRST_WEIGHT), HELD_WEIGHT, 10));

                // a proxy of a scope the front serves connects meanwhile and is served all four types from memory
                newcomer = new RawAdsStream(xdsPort);
                long asked = System.nanoTime();
                int served = fullConfig(newcomer, node("team-0", 99));
                long newcomerMs = ms(System.nanoTime() - asked);

                // readiness says the bus is down, in one line: ingest and translate not ready, the front ready on memory
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    assertThat(get(adminPorts.get("ingest"), "/readyz")).matches("503 bus unreachable for \\d+ s: "
                            + java.util.regex.Pattern.quote(cluster.bootstrapServers()));
                    assertThat(get(adminPorts.get("translate"), "/readyz")).startsWith("503 bus unreachable for ");
                    assertThat(get(adminPorts.get("xds"), "/readyz")).startsWith("200 ok: serving the last config from memory; bus unreachable for ");
                });
                assertThat(get(adminPorts.get("xds"), "/status")).startsWith("503 status unavailable: bus unreachable for ");
                long statusAsked = System.nanoTime();
                String statusErr = statusFails(cluster.bootstrapServers());
                long statusMs = ms(System.nanoTime() - statusAsked);
                assertThat(statusErr.strip()).startsWith("strait: the bus is unreachable: no Kafka broker at " + cluster.bootstrapServers())
                        .doesNotContain("\n").doesNotContain("Exception");
                assertThat(statusMs).as("strait status gives up within its bound").isLessThan(15_000);

                // the rest of the outage: every stream stays open on the last config, the held revision reaches no one
                long left = OUTAGE.toMillis() - ms(System.nanoTime() - down);
                if (left > 0) {
                    await().during(Duration.ofMillis(left)).atMost(Duration.ofMillis(left + 10_000)).pollInterval(Duration.ofMillis(500))
                            .until(() -> proxies.stream().allMatch(p -> p.ended() == null && p.weight() == FIRST_WEIGHT));
                }

                // the bus returns
                long back = System.nanoTime();
                for (int node = 1; node <= cluster.size(); node++) {
                    cluster.restart(node);
                }
                cluster.awaitBrokers(cluster.size());
                long brokersUp = System.nanoTime();
                awaitAll(proxies, HELD_WEIGHT, Duration.ofSeconds(120));
                long converged = latestAck(proxies);
                long firstAck = proxies.stream().mapToLong(p -> p.last().atNanos()).min().orElseThrow();

                List<RevisionLog.Committed> log = RevisionLog.read(cluster.bus(), source);
                assertThat(log.stream().map(RevisionLog.Committed::v2Weight).toList())
                        .as("the v2 weight each committed revision carried: the initial one, then the held one, once")
                        .containsExactly(FIRST_WEIGHT, HELD_WEIGHT);
                for (AckingProxy p : proxies) {
                    assertThat(p.ended()).as(p.node.getId() + "'s stream").isNull();
                }
                for (RoleProcess r : roles) {
                    assertThat(r.isAlive()).as(r + " still running").isTrue();
                }
                assertThat(roles.stream().map(RoleProcess::pid).toList()).as("no role restarted").isEqualTo(pids);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> adminPorts.forEach((role, port) ->
                        assertThat(get(port, "/readyz")).as(role + " /readyz after the outage").isEqualTo("200 ok")));
                String status = BusProbe.cli("status", "--kafka", cluster.bootstrapServers());
                assertThat(status).contains("team-0");

                System.out.printf("bus outage (%d s, %d broker(s), %d proxies in %d scopes): every stream stayed open on the last config; "
                                + "a proxy connecting during the outage got LDS/RDS/CDS/EDS (%d resources) in %d ms; strait status --kafka failed "
                                + "in %d ms; held revision committed once; brokers restarted -> registered %d ms; -> first proxy on the held "
                                + "revision %d ms, every proxy %d ms (registered -> every proxy %d ms)%n",
                        OUTAGE.toSeconds(), cluster.size(), PROXIES, SCOPES, served, newcomerMs, statusMs, ms(brokersUp - back),
                        ms(firstAck - back), ms(converged - back), ms(converged - brokersUp));
            } catch (AssertionError | RuntimeException e) {
                System.out.println(cluster.tails());
                throw e;
            } finally {
                if (newcomer != null) {
                    newcomer.close();
                }
                InProcess.close(proxies.toArray(new AutoCloseable[0]));
                InProcess.close(roles.toArray(new AutoCloseable[0]));
            }
        }
    }

    /** Asks for listeners, routes, clusters and their endpoints in turn, as a proxy does; returns how many resources came. */
    private static int fullConfig(RawAdsStream ads, Node node) throws Exception {
        DiscoveryResponse lds = ask(ads, node, LDS, List.of(MeshFixture.AUTHORITY));
        DiscoveryResponse rds = ask(ads, node, RDS, List.of(MeshFixture.AUTHORITY));
        assertThat(AckingProxy.v2Weight(rds)).as("the routes a newcomer gets: the last committed revision's").isEqualTo(FIRST_WEIGHT);
        DiscoveryResponse cds = ask(ads, node, CDS, List.of());
        List<String> edsNames = new ArrayList<>();
        for (com.google.protobuf.Any any : cds.getResourcesList()) {
            Cluster c = any.unpack(Cluster.class);
            if (c.hasEdsClusterConfig()) {
                String name = c.getEdsClusterConfig().getServiceName();
                edsNames.add(name.isEmpty() ? c.getName() : name);
            }
        }
        assertThat(edsNames).as("EDS clusters among the CDS answer").isNotEmpty();
        DiscoveryResponse eds = ask(ads, node, EDS, edsNames);
        return lds.getResourcesCount() + rds.getResourcesCount() + cds.getResourcesCount() + eds.getResourcesCount();
    }

    private static DiscoveryResponse ask(RawAdsStream ads, Node node, String type, List<String> names) throws Exception {
        ads.send(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type).addAllResourceNames(names).build());
        DiscoveryResponse r = ads.next(20);
        assertThat(r).as(type + " answered within 20 s with the bus down").isNotNull();
        assertThat(r.getTypeUrl()).isEqualTo(type);
        assertThat(r.getResourcesList()).as(type + " resources").isNotEmpty();
        // ACK, as a proxy does
        ads.send(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type).addAllResourceNames(names)
                .setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce()).build());
        return r;
    }

    private static Node node(String namespace, int replica) {
        return Node.newBuilder().setId("sidecar~127.0.1." + replica + "~late-" + replica + "." + namespace + "~" + namespace
                        + ".svc.cluster.local")
                .setMetadata(Struct.newBuilder().putFields("GENERATOR", Value.newBuilder().setStringValue("grpc").build())).build();
    }

    /** {@code strait status --kafka} with the bus down: exits 2; returns what it printed on stderr. */
    private static String statusFails(String bootstrap) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            BusProbe.cli(2, "status", "--kafka", bootstrap);
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    /** "code body" of an admin endpoint, the body trimmed (a failure to ask is the answer "no answer: ..."). */
    private String get(int port, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() + " " + r.body().strip();
        } catch (java.io.IOException e) {
            return "no answer: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static List<String> args(TestKafkaCluster cluster, int adminPort, Path tmp, String role, String... more) {
        List<String> out = new ArrayList<>(List.of("--kafka", cluster.bootstrapServers(), "--admin-port", String.valueOf(adminPort),
                "--data-dir", tmp.resolve(role).toString()));
        out.addAll(List.of(more));
        return out;
    }

    private static void awaitAll(List<AckingProxy> proxies, int weight, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(20)).until(() -> proxies.stream().allMatch(p -> p.weight() == weight));
    }

    private static long latestAck(List<AckingProxy> proxies) {
        return proxies.stream().mapToLong(p -> p.last().atNanos()).max().orElseThrow();
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
