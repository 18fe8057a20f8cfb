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
 * is measured alone. Revisions add a subset to one service (a new cluster), shift its weights (a new route) or add a
 * service, in turn; {@code --churn N} adds N endpoint moves. Each is timed until every proxy that sees it holds it.
 * Then the same fleet is driven against the baseline ({@link BaselineFront}: java-control-plane with one snapshot
 * per proxy, rebuilt on every change), also in its own JVM, and the ratios are printed ({@code --baseline 0} skips it).
 * {@code --sidecars 1} adds a default Sidecar per namespace ({@code ./*}), so each proxy gets its namespace's services;
 * {@code --churn N} follows the revisions with N endpoint moves (one service's endpoint gets a new address).
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
        Map<String, Integer> opts = new HashMap<>(Map.of("proxies", 1000, "services", 100, "namespaces", 10, "apps", 20,
                "revisions", 5, "baseline", 1, "sidecars", 0, "churn", 0));
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), Integer.parseInt(args[i + 1]));
        }
        // grpc-java logs every stream the fleet closes at the end of a run; only warnings matter here
        java.util.logging.Logger.getLogger("io.grpc").setLevel(java.util.logging.Level.WARNING);
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
        if (opts.get("sidecars") == 1) {
            mesh.writeSidecars();
        }
        System.out.printf("mesh: %d services in %d namespaces; %d proxies in %d namespaces x %d apps (scopes)%n",
                services, namespaces, proxies, namespaces, opts.get("apps"));
        try (StraitNode core = new StraitNode(new NodeOptions(EnumSet.of(Role.INGEST, Role.TRANSLATE), null, 0, dir.resolve("data"),
                config, "127.0.0.1", 0, -1, "none", BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)).start()) {
            Figures strait;
            try (FrontProcess front = new FrontProcess(core.bootstrapServers(), dir.resolve("front"))) {
                strait = drive("strait", front, mesh, 0, core);
            }
            if (opts.get("baseline") == 0) {
                return;
            }
            Figures baseline;
            try (BaselineProcess front = new BaselineProcess(config, dir.resolve("baseline"))) {
                baseline = drive("baseline", front, mesh, opts.get("revisions"), null);
            }
            System.out.printf("%nbaseline / strait: commit -> all ACKed p99 %.1fx, heap per proxy %.1fx, front CPU per revision %.1fx%n",
                    baseline.p99 / Math.max(1.0, strait.p99), baseline.heapPerProxy / Math.max(1.0, strait.heapPerProxy),
                    baseline.frontCpuMs / Math.max(1.0, strait.frontCpuMs));
        }
    }

    /** What one run measured: medians over its revisions of the p99 and of front CPU, and heap per proxy. */
    private record Figures(double p99, double heapPerProxy, double frontCpuMs) {
    }

    /**
     * Connects the fleet to a front, then commits revisions one at a time, each adding a subset to one service,
     * and prints per revision when every proxy held the new cluster (p50 / p99 / max after the commit), bytes on
     * the bus (Strait only) and CPU spent.
     */
    private Figures drive(String label, Front front, MeshGenerator mesh, int firstRevision, StraitNode core) throws Exception {
        int proxies = opts.get("proxies");
        int namespaces = opts.get("namespaces");
        System.out.printf("%n== %s ==%n", label);
        long heapBefore = front.heap();
        NioEventLoopGroup loop = new NioEventLoopGroup(2);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        List<SimulatedProxy> fleet = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < proxies; i++) {
                String ns = "ns-" + (i % namespaces);
                String app = "app-" + ((i / namespaces) % opts.get("apps"));
                fleet.add(new SimulatedProxy("127.0.0.1", front.xdsPort(), app + "-" + i, ns, app, loop, executor));
            }
            // each service: its cluster and two subsets; with namespace Sidecars, the own namespace's services only
            int clusters = (opts.get("sidecars") == 1 ? mesh.servicesPerNamespace() : opts.get("services")) * 3;
            waitUntil(() -> fleet.stream().allMatch(p -> p.clustersAckedAt.size() >= clusters), 900);
            System.out.printf("all %d proxies connected and holding %d clusters after %d ms%n", proxies, clusters,
                    (System.nanoTime() - t0) / 1_000_000);
            long heapAfter = front.heap();
            double perProxy = (heapAfter - heapBefore) / 1024.0 / proxies;
            System.out.printf("front heap: %.1f MB before, %.1f MB with %d proxies: %.1f KB per connected proxy%n",
                    heapBefore / 1e6, heapAfter / 1e6, proxies, perProxy);
            // what the front spends with the fleet connected and nothing changing: part of every revision's CPU figure
            Thread.sleep(2000);
            long idleFrom = front.cpuNanos();
            long idleStart = System.nanoTime();
            Thread.sleep(5000);
            System.out.printf("front CPU while idle: %.0f ms per second%n",
                    (front.cpuNanos() - idleFrom) / 1e6 / ((System.nanoTime() - idleStart) / 1e9));
            System.out.printf("%-9s %-9s %-9s %-10s %-10s %-10s %-14s %-16s %-14s%n", "revision", "kind", "affected", "p50 ms", "p99 ms",
                    "max ms", "bus bytes", "core CPU ms", "front CPU ms");
            List<Long> p99s = new ArrayList<>();
            List<Long> cpus = new ArrayList<>();
            // config revisions, in turn: a subset added (a new cluster), a weight shift (a new route), a new service
            for (int r = firstRevision; r < firstRevision + opts.get("revisions"); r++) {
                MeshGenerator.Change change = mesh.configChange(r);
                var held = MeshGenerator.kindOf(r).equals("weights") ? (java.util.function.Function<SimulatedProxy, Map<String, Long>>) p -> p.weightsAckedAt
                        : (java.util.function.Function<SimulatedProxy, Map<String, Long>>) p -> p.clustersAckedAt;
                revision(r, MeshGenerator.kindOf(r), change, front, mesh, fleet, core, held, p99s, cpus);
            }
            // endpoint churn: one service's endpoint moves; every proxy that sees it must receive the new address
            List<Long> churnP99s = new ArrayList<>();
            for (int r = firstRevision; r < firstRevision + opts.get("churn"); r++) {
                revision(r, "endpoint", mesh.moveEndpoint(r), front, mesh, fleet, core, p -> p.addressesAckedAt,
                        churnP99s, new ArrayList<>());
            }
            return new Figures(median(p99s), perProxy, median(cpus));
        } finally {
            fleet.forEach(SimulatedProxy::close);
            loop.shutdownGracefully();
            executor.shutdownNow();
        }
    }

    /**
     * Commits one revision (what changed is already in {@code mesh}) and prints when every proxy that sees the
     * changed service held it (p50 / p99 / max after the commit), bytes on the bus (Strait only) and CPU spent.
     */
    private void revision(int r, String kind, MeshGenerator.Change change, Front front, MeshGenerator mesh,
                          List<SimulatedProxy> fleet, StraitNode core,
                          java.util.function.Function<SimulatedProxy, Map<String, Long>> held, List<Long> p99s,
                          List<Long> cpus) throws Exception {
        // with namespace Sidecars only the changed service's namespace sees it; otherwise every proxy does
        List<SimulatedProxy> affected = opts.get("sidecars") == 1
                ? fleet.stream().filter(p -> p.namespace.equals(change.namespace())).toList() : fleet;
        Map<TopicPartition, Long> offsets = core == null ? null : BusBytes.ends(core.bus());
        long coreCpu = coreCpuNanos();
        long frontCpu = front.cpuNanos();
        SimulatedProxy.readRoutes = kind.equals("weights");
        SimulatedProxy.readEndpoints = kind.equals("endpoint");
        long commit = System.nanoTime();
        mesh.flush(change);
        waitUntil(() -> affected.stream().allMatch(p -> held.apply(p).containsKey(change.expect())), 600);
        SimulatedProxy.readRoutes = false;
        SimulatedProxy.readEndpoints = false;
        long cpu = (front.cpuNanos() - frontCpu) / 1_000_000;
        List<Long> latencies = new ArrayList<>();
        affected.forEach(p -> latencies.add((held.apply(p).get(change.expect()) - commit) / 1_000_000));
        latencies.sort(null);
        String bytes = core == null ? "-" : String.valueOf(BusBytes.since(core.bus(), offsets));
        long p99 = latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1);
        p99s.add(p99);
        cpus.add(cpu);
        System.out.printf("%-9s %-9s %-9d %-10d %-10d %-10d %-14s %-16d %-14d%n", r + 1, kind, affected.size(),
                latencies.get(latencies.size() / 2), p99, latencies.get(latencies.size() - 1), bytes,
                (coreCpuNanos() - coreCpu) / 1_000_000, cpu);
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
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

    /** An xDS server in its own JVM, so that its heap and CPU are measured alone. */
    abstract static class Front implements AutoCloseable {
        private final int xdsPort = EmbeddedKafka.freePort();
        final int adminPort = EmbeddedKafka.freePort();
        private Process process;
        private final HttpClient http = HttpClient.newHttpClient();

        int xdsPort() {
            return xdsPort;
        }

        void start(List<String> command, Path dataDir) throws Exception {
            Files.createDirectories(dataDir);
            List<String> full = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx4g"));
            // e.g. -Dstrait.front.jvm="-XX:StartFlightRecording=filename=front.jfr" to profile the server
            String extra = System.getProperty("strait.front.jvm", "");
            if (!extra.isBlank()) {
                full.addAll(List.of(extra.trim().split("\\s+")));
            }
            full.addAll(command);
            process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(dataDir.resolve("front.out").toFile()).start();
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

    /** Strait's xDS front: the packaged CLI's {@code run xds}, fed from the bus. */
    static final class FrontProcess extends Front {
        FrontProcess(String kafka, Path dataDir) throws Exception {
            Path jar = Path.of("modules/cli/target/strait-cli.jar").toAbsolutePath();
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: run ./mvnw -q -DskipTests install first, from the repository root");
            }
            start(List.of("-jar", jar.toString(), "run", "xds", "--kafka", kafka, "--xds-port", String.valueOf(xdsPort()),
                    "--admin-port", String.valueOf(adminPort), "--data-dir", dataDir.toString()), dataDir);
        }
    }

    /** The baseline ({@link BaselineFront}): java-control-plane with a snapshot per proxy, watching the config folder. */
    static final class BaselineProcess extends Front {
        BaselineProcess(Path config, Path dataDir) throws Exception {
            start(List.of("-cp", System.getProperty("java.class.path"), BaselineFront.class.getName(), config.toString(),
                    String.valueOf(xdsPort()), String.valueOf(adminPort)), dataDir);
        }
    }

    /** Bytes that the config and xDS topics received between two points in time. */
    static final class BusBytes {
        private static final List<String> TOPICS = List.of(Topics.CONFIG, Topics.XDS_RESOURCES, Topics.XDS_ENDPOINTS, Topics.XDS_SCOPES,
                Topics.XDS_COVERAGE);

        static Map<TopicPartition, Long> ends(BusConfig bus) {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(bus.consumer("bench", null))) {
                List<TopicPartition> parts = new ArrayList<>();
                TOPICS.forEach(t -> c.partitionsFor(t).forEach(p -> parts.add(new TopicPartition(t, p.partition()))));
                return c.endOffsets(parts);
            }
        }

        static long since(BusConfig bus, Map<TopicPartition, Long> from) throws InterruptedException {
            return byTopic(bus, from).values().stream().mapToLong(c -> c[1]).sum();
        }

        /** Per topic, the records and their key + value bytes (uncompressed) written since {@code from}. */
        static Map<String, long[]> byTopic(BusConfig bus, Map<TopicPartition, Long> from) {
            Map<TopicPartition, Long> to = ends(bus);
            Map<String, long[]> counts = new java.util.TreeMap<>();
            from.keySet().forEach(p -> counts.putIfAbsent(p.topic(), new long[2]));
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(bus.consumer("bench", null))) {
                c.assign(from.keySet());
                from.forEach(c::seek);
                while (from.keySet().stream().anyMatch(p -> c.position(p) < to.get(p))) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                        if (r.offset() < to.get(new TopicPartition(r.topic(), r.partition()))) {
                            long[] count = counts.get(r.topic());
                            count[0]++;
                            count[1] += Math.max(0, r.serializedKeySize()) + Math.max(0, r.serializedValueSize());
                        }
                    }
                }
            }
            return counts;
        }
    }
}
