package io.strait.bench;

import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.topic.Topics;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Drives Strait with simulated Envoy sidecars and prints what a fleet costs: revision commit → every proxy ACKed
 * (p50 / p99 / max), heap per connected proxy at the front, CPU per revision, bytes on the bus per revision.
 * Broker, ingest and translate run in this JVM; the xDS front runs in its own JVM (the packaged CLI), so its heap
 * is measured alone. Each revision adds a subset to one service, which every proxy receives as a new cluster.
 *
 * <p>Usage (from the repository root, after {@code ./mvnw -q -DskipTests install}):
 * {@code java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" io.strait.bench.LoadHarness
 * --proxies 1000 --services 100 --namespaces 10 --apps 20 --revisions 5}
 */
public final class LoadHarness {
    private final Map<String, Integer> opts;

    private LoadHarness(Map<String, Integer> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> opts = new HashMap<>(Map.of("proxies", 1000, "services", 100, "namespaces", 10, "apps", 20, "revisions", 5));
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), Integer.parseInt(args[i + 1]));
        }
        new LoadHarness(opts).run();
        System.exit(0);
    }

    private void run() throws Exception {
        int proxies = opts.get("proxies");
        int services = opts.get("services");
        int namespaces = opts.get("namespaces");
        Path dir = Files.createTempDirectory("strait-load");
        Path config = dir.resolve("config");
        MeshGenerator mesh = new MeshGenerator(config, services, namespaces);
        mesh.writeAll();
        System.out.printf("mesh: %d services in %d namespaces; %d proxies in %d namespaces x %d apps (scopes)%n",
                services, namespaces, proxies, namespaces, opts.get("apps"));
        try (StraitNode core = new StraitNode(new NodeOptions(EnumSet.of(Role.INGEST, Role.TRANSLATE), null, 0, dir.resolve("data"),
                config, "127.0.0.1", 0, -1, "none", BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)).start();
             FrontProcess front = new FrontProcess(core.bootstrapServers(), dir.resolve("front"))) {
            long heapBefore = front.heap();
            NioEventLoopGroup loop = new NioEventLoopGroup(2);
            ExecutorService executor = Executors.newFixedThreadPool(4);
            List<SimulatedProxy> fleet = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < proxies; i++) {
                String ns = "ns-" + (i % namespaces);
                String app = "app-" + ((i / namespaces) % opts.get("apps"));
                fleet.add(new SimulatedProxy("127.0.0.1", front.xdsPort, app + "-" + i, ns, app, loop, executor));
            }
            int clusters = services * 3;
            waitUntil(() -> fleet.stream().allMatch(p -> p.clustersAckedAt.size() >= clusters), 600);
            System.out.printf("all %d proxies connected and holding %d clusters after %d ms%n", proxies, clusters,
                    (System.nanoTime() - t0) / 1_000_000);
            long heapAfter = front.heap();
            System.out.printf("front heap: %.1f MB before, %.1f MB with %d proxies: %.1f KB per connected proxy%n",
                    heapBefore / 1e6, heapAfter / 1e6, proxies, (heapAfter - heapBefore) / 1024.0 / proxies);

            System.out.printf("%-9s %-10s %-10s %-10s %-14s %-16s %-14s%n", "revision", "p50 ms", "p99 ms", "max ms",
                    "bus bytes", "core CPU ms", "front CPU ms");
            for (int r = 0; r < opts.get("revisions"); r++) {
                String cluster = mesh.addSubset(r); // the new cluster every proxy must receive
                Map<TopicPartition, Long> offsets = BusBytes.ends(core.bus());
                long coreCpu = coreCpuNanos();
                long frontCpu = front.cpuNanos();
                long commit = System.nanoTime();
                mesh.flush(r);
                waitUntil(() -> fleet.stream().allMatch(p -> p.clustersAckedAt.containsKey(cluster)), 300);
                List<Long> latencies = new ArrayList<>();
                fleet.forEach(p -> latencies.add((p.clustersAckedAt.get(cluster) - commit) / 1_000_000));
                latencies.sort(null);
                long bytes = BusBytes.since(core.bus(), offsets);
                System.out.printf("%-9d %-10d %-10d %-10d %-14d %-16d %-14d%n", r + 1, latencies.get(latencies.size() / 2),
                        latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1), latencies.get(latencies.size() - 1), bytes,
                        (coreCpuNanos() - coreCpu) / 1_000_000, (front.cpuNanos() - frontCpu) / 1_000_000);
            }
            fleet.forEach(SimulatedProxy::close);
            loop.shutdownGracefully();
            executor.shutdownNow();
        }
    }

    /** CPU of this JVM's Strait threads (ingest, translate), summed. */
    private static long coreCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("strait-")) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    /** Polls a condition (a benchmark's pacing, not a test's wait); fails after the timeout. */
    static void waitUntil(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reached within " + seconds + " s");
            }
            Thread.sleep(5);
        }
    }

    /** The xDS front in its own JVM: the packaged CLI's {@code run xds}. */
    static final class FrontProcess implements AutoCloseable {
        final int xdsPort = EmbeddedKafka.freePort();
        final int adminPort = EmbeddedKafka.freePort();
        private final Process process;
        private final HttpClient http = HttpClient.newHttpClient();

        FrontProcess(String kafka, Path dataDir) throws Exception {
            Path jar = Path.of("modules/cli/target/strait-cli.jar").toAbsolutePath();
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: run ./mvnw -q -DskipTests install first, from the repository root");
            }
            Files.createDirectories(dataDir);
            process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx4g", "-jar", jar.toString(),
                    "run", "xds", "--kafka", kafka, "--xds-port", String.valueOf(xdsPort), "--admin-port", String.valueOf(adminPort),
                    "--data-dir", dataDir.toString()).redirectErrorStream(true).redirectOutput(dataDir.resolve("front.out").toFile()).start();
            waitUntil(() -> {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/healthz")).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            }, 120);
        }

        long heap() throws Exception {
            return Long.parseLong(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/debug/heap"))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()).body().trim());
        }

        long cpuNanos() {
            return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            process.waitFor();
        }
    }

    /** Bytes that the config and xDS topics received between two points in time. */
    static final class BusBytes {
        private static final List<String> TOPICS = List.of(Topics.CONFIG, Topics.XDS_RESOURCES, Topics.XDS_SCOPES);

        static Map<TopicPartition, Long> ends(BusConfig bus) {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(bus.consumer("bench", null))) {
                List<TopicPartition> parts = new ArrayList<>();
                TOPICS.forEach(t -> c.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition()))));
                return c.endOffsets(parts);
            }
        }

        static long since(BusConfig bus, Map<TopicPartition, Long> from) throws InterruptedException {
            Map<TopicPartition, Long> to = ends(bus);
            long bytes = 0;
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(bus.consumer("bench", null))) {
                c.assign(from.keySet());
                from.forEach(c::seek);
                while (from.keySet().stream().anyMatch(p -> c.position(p) < to.get(p))) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                        if (r.offset() < to.get(new TopicPartition(r.topic(), r.partition()))) {
                            bytes += Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize());
                        }
                    }
                }
            }
            return bytes;
        }
    }
}
