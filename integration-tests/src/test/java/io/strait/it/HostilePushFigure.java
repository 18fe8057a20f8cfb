package io.strait.it;

import static io.strait.it.HostileClients.RDS;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strait.cli.runtime.StraitNode;
import io.strait.xds.FrontLimits;
import io.strait.xds.FrontSecurity;
import io.strait.xds.XdsFront;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's figure (not a {@code *Test}: it runs only when named): 50 well-behaved ADS clients, each on its own
 * connection, ACKing every route push; the time from a VirtualService write to each client's receipt of the new
 * routes, for 20 revisions on a clean front, then 20 more while {@link HostileLoad} runs every hostile client against
 * the same front (a client that stops reading and keeps asking; 1,000 streams on one connection; requests naming
 * 100,000 resources, unknown types, malformed nodes, oversized messages and a request loop, each again and again).
 * The front runs the production limits ({@link FrontLimits#defaults()}). The generator is a JVM of its own at nice 19
 * ({@link HostileLoadProcess}): on this 2-core machine it stands in for clients on other machines. Same front, same
 * run: the p99 ratio is what counts.
 */
class HostilePushFigure {
    private static final int CLIENTS = 50;
    private static final int REVISIONS = 20;
    private static final int WARM_UP = 40;

    /** A well-behaved client: ACKs at once and records when each routes version first arrived. */
    private static final class Client {
        final ManagedChannel channel;
        final StreamObserver<DiscoveryRequest> requests;
        final ConcurrentHashMap<String, Long> arrived = new ConcurrentHashMap<>();

        Client(int port, int i) {
            Node node = RawAdsStream.GRPC_CLIENT.toBuilder().setId("sidecar~127.0.1." + i + "~app-" + i + ".bookinfo~bookinfo.svc.cluster.local").build();
            channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            StreamObserver<DiscoveryRequest>[] self = new StreamObserver[1];
            requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
                public void onNext(DiscoveryResponse r) {
                    arrived.putIfAbsent(r.getVersionInfo(), System.nanoTime());
                    synchronized (self) {
                        self[0].onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(RDS).addResourceNames(MeshFixture.AUTHORITY)
                                .setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce()).build());
                    }
                }

                public void onError(Throwable t) {
                }

                public void onCompleted() {
                }
            });
            self[0] = requests;
            synchronized (self) {
                requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(RDS).addResourceNames(MeshFixture.AUTHORITY).build());
            }
        }
    }

    @Test
    void pushLatencyOfWellBehavedClientsWithAndWithoutHostileOnes(@TempDir Path tmp) throws Exception {
        // the production limits: 100 requests a second per stream (burst 200), 8 MiB / 30 s of unsent responses
        FrontLimits limits = FrontLimits.defaults();
        // -Dstrait.figure.rounds=N repeats clean + hostile N times in one run and pools the samples (default 1)
        int rounds = Integer.getInteger("strait.figure.rounds", 1);
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("config"));
             StraitNode node = InProcess.start(tmp.resolve("data"), mesh.configDir, "front-main", false);
             XdsFront front = new XdsFront(node.bus(), "127.0.0.1", 0, "front-figure", metrics, 6_000,
                     FrontSecurity.plaintextOnly(), limits).start()) {
            List<Client> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new Client(front.port(), i));
            }
            await().atMost(60, TimeUnit.SECONDS).until(() -> clients.stream().allMatch(c -> !c.arrived.isEmpty()));
            int[] weight = {0};
            // 40, not 3: the JIT is still warming for some 50 revisions (a run's first clean phase had twice the p50 of its
            // second), and a warming clean phase flatters the hostile phase that follows it
            measure("warm-up", mesh, clients, WARM_UP, weight);
            List<Long> allClean = new ArrayList<>();
            List<Long> allHostile = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                round(round, tmp.resolve("hostile-" + round), mesh, front, metrics, clients, weight, allClean, allHostile);
            }
            if (rounds > 1) {
                System.out.printf("FIGURE all %d rounds: clean p50 %.1f ms p99 %.1f ms (%d samples); with hostile clients p50 %.1f ms"
                                + " p99 %.1f ms (%d samples); p99 ratio %.2f%n", rounds, p50(allClean) / 1e6, p99(allClean) / 1e6,
                        allClean.size(), p50(allHostile) / 1e6, p99(allHostile) / 1e6, allHostile.size(),
                        (double) p99(allHostile) / p99(allClean));
            }
            clients.forEach(c -> c.channel.shutdownNow());
        }
    }

    /** One clean phase, then one with the hostile clients (a generator of its own, stopped after it); samples added to the pools. */
    private static void round(int round, Path dir, MeshFixture mesh, XdsFront front, SimpleMeterRegistry metrics, List<Client> clients,
                              int[] weight, List<Long> allClean, List<Long> allHostile) throws Exception {
        String loadClean = loadAverage();
        long cpu0 = processCpuNanos();
        long wall0 = System.nanoTime();
        List<Long> clean = measure("clean " + round, mesh, clients, REVISIONS, weight);
        double cpuClean = (processCpuNanos() - cpu0) / (double) (System.nanoTime() - wall0);
        loadClean += " → " + loadAverage();
        List<Long> underAttack;
        java.util.Map<String, Long> atStart;
        java.util.Map<String, Long> atEnd;
        String loadHostile;
        long hostileNanos;
        double cpuHostile;
        String generatorCpu;
        int streamsBefore = front.openStreams();
        try (HostileLoadProcess hostile = new HostileLoadProcess(front.port(), dir)) {
            System.out.println("hostile load generator: pid " + hostile.pid() + (hostile.niced ? ", nice 19" : ", not niced (no nice)"));
            loadHostile = loadAverage();
            atStart = hostile.lastCounts();
            long generatorCpu0 = hostile.cpuNanos();
            long cpu1 = processCpuNanos();
            long started = System.nanoTime();
            underAttack = measure("hostile " + round, mesh, clients, REVISIONS, weight);
            hostileNanos = System.nanoTime() - started;
            cpuHostile = (processCpuNanos() - cpu1) / (double) hostileNanos;
            generatorCpu = String.format("%.2f", (hostile.cpuNanos() - generatorCpu0) / (double) hostileNanos);
            loadHostile += " → " + loadAverage();
            if (!hostile.isAlive()) {
                throw new IllegalStateException("the hostile load generator died during the phase:\n" + hostile.output());
            }
            hostile.close();
            atEnd = hostile.lastCounts();
        }
        // the next round's clean phase starts once the front has let go of every hostile stream
        await().atMost(60, TimeUnit.SECONDS).until(() -> front.openStreams() <= streamsBefore);
        long p99Clean = p99(clean);
        long p99Hostile = p99(underAttack);
        System.out.printf("FIGURE round " + round + " clean: p50 %.1f ms p99 %.1f ms (%d samples, load %s); with hostile clients: p50 %.1f ms p99 %.1f ms"
                        + " (%d samples, load %s); p99 ratio %.2f (p90 %.1f / %.1f ms, ratio %.2f)%n", p50(clean) / 1e6, p99Clean / 1e6,
                clean.size(), loadClean, p50(underAttack) / 1e6, p99Hostile / 1e6, underAttack.size(), loadHostile,
                (double) p99Hostile / p99Clean, percentile(clean, 0.9) / 1e6, percentile(underAttack, 0.9) / 1e6,
                (double) percentile(underAttack, 0.9) / percentile(clean, 0.9));
        System.out.printf("FIGURE hostile phase %.1f s; what the generator made the front handle, a second (from its counts"
                + " at the phase's start, up to 1 s early, and its final ones): %s; since it started: %s%n", hostileNanos / 1e9,
                rates(atStart, atEnd, hostileNanos), atEnd);
        System.out.printf("FIGURE CPU (cores busy, of 2): test JVM (front, node, 50 clients) clean %.2f, hostile %.2f;"
                + " generator during the hostile phase %s%n", cpuClean, cpuHostile, generatorCpu);
        System.out.println("FIGURE front: refused " + refusals(metrics) + ", stuck closed "
                + metrics.counter("strait_xds_stuck_closed_total").count() + ", most pending bytes on one stream "
                + metrics.get("strait_xds_pending_bytes_max").gauge().value());
        allClean.addAll(clean);
        allHostile.addAll(underAttack);
    }

    /** Per second over {@code nanos}: each count's growth from {@code from} to {@code to}. */
    private static java.util.Map<String, String> rates(java.util.Map<String, Long> from, java.util.Map<String, Long> to, long nanos) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        to.forEach((k, v) -> out.put(k, String.format("%.1f", (v - from.getOrDefault(k, 0L)) / (nanos / 1e9))));
        return out;
    }

    /** CPU time this JVM has used, all threads. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The front's refusals by status code. */
    private static java.util.Map<String, Double> refusals(SimpleMeterRegistry metrics) {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        metrics.find("strait_xds_refused_total").counters().forEach(c -> out.put(c.getId().getTag("reason"), c.count()));
        return out;
    }

    /** The 1-minute load average (other builds share the machine: a figure says what it ran beside). */
    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * Writes {@code n} revisions one after another; per revision and client, write → new routes received. Prints each
     * revision's slowest client: with 50 clients a revision, the p99 of 20 is the tail of the one or two slowest
     * revisions, so the line shows whether a ratio is one bad revision or a shift.
     */
    private static List<Long> measure(String phase, MeshFixture mesh, List<Client> clients, int n, int[] weight) throws Exception {
        List<Long> out = new ArrayList<>();
        List<Long> slowest = new ArrayList<>();
        System.out.println("FIGURE phase " + phase + " starts " + java.time.Instant.now());
        for (int r = 0; r < n; r++) {
            int before = out.size();
            java.util.Set<String> seen = new java.util.HashSet<>();
            clients.forEach(c -> seen.addAll(c.arrived.keySet()));
            // every revision's routes differ from all before it (a repeat would carry a version the clients have seen):
            // v1 cycles over 60 values, v2 moves on by one each cycle
            weight[0]++;
            int w = weight[0] % 60;
            int k = weight[0] / 60;
            long t0 = System.nanoTime();
            mesh.writeVirtualService(MeshFixture.split(20 + w, 10 + k, 70 - w - k));
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(5))
                    .until(() -> clients.stream().allMatch(c -> c.arrived.keySet().stream().anyMatch(v -> !seen.contains(v))));
            for (Client c : clients) {
                c.arrived.forEach((v, at) -> {
                    if (!seen.contains(v)) {
                        out.add(at - t0);
                    }
                });
            }
            slowest.add(out.subList(before, out.size()).stream().mapToLong(Long::longValue).max().orElse(0) / 1_000_000);
        }
        System.out.println("FIGURE phase " + phase + " ends " + java.time.Instant.now() + "; slowest client per revision (ms): " + slowest);
        return out;
    }

    private static long p99(List<Long> xs) {
        return percentile(xs, 0.99);
    }

    private static long p50(List<Long> xs) {
        return percentile(xs, 0.50);
    }

    private static long percentile(List<Long> xs, double p) {
        List<Long> sorted = new ArrayList<>(xs);
        sorted.sort(null);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
