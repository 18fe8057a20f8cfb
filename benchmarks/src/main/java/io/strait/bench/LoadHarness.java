package io.strait.bench;

import io.grpc.ManagedChannel;
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
 * Drives Strait with simulated Envoy sidecars and prints what a fleet costs: initial sync, revision commit → every
 * proxy ACKed (p50 / p99 / max), the fan-out (first response any proxy received → last ACK), response bytes per
 * type, heap per connected proxy at each front, CPU per revision. Broker, ingest and translate run in this JVM; each
 * xDS front runs in its own JVM (the packaged CLI), so its heap is measured alone. Revisions add a subset to one
 * service (a new cluster), shift its weights (a new route) or add a service, in turn; {@code --churn N} adds N
 * endpoint moves. Each is timed until every proxy that sees it holds it.
 *
 * <p>Options (all {@code --name N}): {@code --proxies --services --namespaces --apps --revisions --churn};
 * {@code --sidecars 1} a default Sidecar per namespace ({@code ./*}), so each proxy gets its namespace's services;
 * {@code --delta 1} delta-xDS proxies instead of state of the world; {@code --fronts N} N front processes on one bus,
 * proxies spread round robin; {@code --plain 1} the physical limit: a second fleet of the same size connects to
 * {@link PlainFanOut}, which resends every stream the bytes one proxy received from Strait per revision, and the
 * fan-out ratio is printed; {@code --baseline 1} (default) the same fleet against {@link BaselineFront}
 * (java-control-plane, a snapshot per proxy), ratios printed; {@code --client-threads N} the fleet's Netty event
 * loops (default 2; callbacks run on twice as many executor threads); {@code --streams-per-connection N} N proxies'
 * ADS streams share a connection (default 1, as Envoy; more when the fleet needs more sockets than this process may
 * open, {@code ulimit -n}); {@code --connect-wave N} the fleet connects N proxies at a time, each wave once the one
 * before holds its config (default 0: all at once; a restarted fleet of 10,000 proxies of 3.5 MB each is more than one
 * machine's client side can read at once, and Envoys reconnecting to a front do not all come in the same second);
 * {@code --timeout S} per wait (default 900).
 * Each front's heap: {@code -Dstrait.front.xmx=4g} (the default).
 *
 * <p>Usage (from the repository root, after {@code ./mvnw -q -o -pl benchmarks -am package -DskipTests}):
 * {@code java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" io.strait.bench.LoadHarness
 * --proxies 1000 --services 100 --namespaces 10 --apps 20 --revisions 5}
 */
public final class LoadHarness {
    private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");
    private final Map<String, Integer> opts;

    private LoadHarness(Map<String, Integer> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> opts = new HashMap<>(Map.of("proxies", 1000, "services", 100, "namespaces", 10, "apps", 20,
                "revisions", 5, "baseline", 1, "sidecars", 0, "churn", 0));
        opts.putAll(Map.of("delta", 0, "plain", 0, "fronts", 1, "client-threads", 2, "timeout", 900, "streams-per-connection", 1,
                "connect-wave", 0));
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].replaceFirst("^--", "");
            if (!opts.containsKey(name) || i + 1 >= args.length || !args[i + 1].matches("\\d+")) {
                System.err.println("LoadHarness: '" + args[i] + "' is not an option with a number; options: "
                        + new java.util.TreeSet<>(opts.keySet()) + " (e.g. --proxies 1000)");
                System.exit(2);
            }
            opts.put(name, Integer.parseInt(args[i + 1]));
        }
        // grpc-java logs every stream the fleet closes at the end of a run; only warnings matter here (the logger is
        // held in a field: java.util.logging keeps loggers weakly, and a collected one forgets its level)
        GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
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
        System.out.printf("mesh: %d services in %d namespaces; %d %s proxies in %d namespaces x %d apps (scopes); %d front(s); harness -Xmx %d MB%n",
                services, namespaces, proxies, opts.get("delta") == 1 ? "delta" : "state-of-the-world", namespaces, opts.get("apps"),
                opts.get("fronts"), Runtime.getRuntime().maxMemory() >> 20);
        try (StraitNode core = new StraitNode(new NodeOptions(EnumSet.of(Role.INGEST, Role.TRANSLATE), null, 0, dir.resolve("data"),
                config, "127.0.0.1", 0, -1, "none", BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)).start()) {
            Figures strait;
            List<Front> fronts = new ArrayList<>();
            try {
                for (int f = 0; f < opts.get("fronts"); f++) {
                    fronts.add(new FrontProcess(core.bootstrapServers(), dir.resolve("front-" + f)));
                }
                strait = drive("strait", fronts, mesh, 0, core);
            } finally {
                for (Front f : fronts) {
                    f.close();
                }
            }
            if (opts.get("plain") == 1) {
                try (PlainProcess plain = new PlainProcess(dir.resolve("plain"))) {
                    plainFanOut(plain, strait.timed());
                }
            }
            if (opts.get("baseline") == 0) {
                return;
            }
            Figures baseline;
            try (BaselineProcess front = new BaselineProcess(config, dir.resolve("baseline"))) {
                baseline = drive("baseline", List.of(front), mesh, opts.get("revisions"), null);
            }
            System.out.printf("%nbaseline / strait: commit -> all ACKed p99 %.1fx, heap per proxy %.1fx, front CPU per revision %.1fx%n",
                    baseline.p99 / Math.max(1.0, strait.p99), baseline.heapPerProxy / Math.max(1.0, strait.heapPerProxy),
                    baseline.frontCpuMs / Math.max(1.0, strait.frontCpuMs));
        }
    }

    /** What one run measured: medians over its revisions of the p99 and of front CPU, heap per proxy, each revision. */
    private record Figures(double p99, double heapPerProxy, double frontCpuMs, List<Timed> timed) {
    }

    /** One timed revision: what it waited for, the fan-out measured (ms) and the bytes one proxy received. */
    private record Timed(int revision, String kind, FleetWatch watch, FleetWatch.Awaited key, long fanOutMs) {
    }

    /**
     * The fleet: proxies spread round robin over the fronts, on shared event loops; each proxy its own connection,
     * or {@code --streams-per-connection N} proxies' streams on one (one process may open only so many sockets).
     */
    private final class Fleet implements AutoCloseable {
        final List<SimulatedProxy> proxies = new ArrayList<>();
        final List<List<SimulatedProxy>> byFront = new ArrayList<>();
        private final List<ManagedChannel> channels = new ArrayList<>();
        private final NioEventLoopGroup loop = new NioEventLoopGroup(opts.get("client-threads"));
        private final ExecutorService executor = Executors.newFixedThreadPool(2 * opts.get("client-threads"));

        private final List<Integer> ports;
        private final List<ManagedChannel> open = new ArrayList<>();

        /** The fleet's proxies from {@code 0} to {@code connected} connect now; {@link #connect} opens the others. */
        Fleet(List<Integer> ports, int connected) {
            this.ports = ports;
            ports.forEach(p -> {
                byFront.add(new ArrayList<>());
                open.add(null);
            });
            connect(0, connected);
        }

        /** Connects proxies {@code from} (inclusive) to {@code to} (exclusive) of the fleet. */
        void connect(int from, int to) {
            int namespaces = opts.get("namespaces");
            int perConnection = Math.max(1, opts.get("streams-per-connection"));
            for (int i = from; i < to; i++) {
                String ns = "ns-" + (i % namespaces);
                String app = "app-" + ((i / namespaces) % opts.get("apps"));
                int f = i % ports.size();
                if (byFront.get(f).size() % perConnection == 0) {
                    open.set(f, SimulatedProxy.channel("127.0.0.1", ports.get(f), loop, executor));
                    channels.add(open.get(f));
                }
                SimulatedProxy proxy = SimulatedProxy.connect(opts.get("delta") == 1, open.get(f), app + "-" + i, ns, app);
                proxies.add(proxy);
                byFront.get(f).add(proxy);
            }
        }

        @Override
        public void close() {
            proxies.forEach(SimulatedProxy::close);
            channels.forEach(ManagedChannel::shutdownNow);
            loop.shutdownGracefully();
            executor.shutdownNow();
        }
    }

    /**
     * Connects the fleet to the fronts, then commits revisions one at a time and prints per revision when every
     * proxy held the change (p50 / p99 / max after the commit), the fan-out, response bytes per type, bytes on the bus
     * (Strait only) and CPU spent per front.
     */
    private Figures drive(String label, List<Front> fronts, MeshGenerator mesh, int firstRevision, StraitNode core) throws Exception {
        int proxies = opts.get("proxies");
        System.out.printf("%n== %s ==%n", label);
        List<Long> heapBefore = new ArrayList<>();
        for (Front f : fronts) {
            heapBefore.add(f.heap());
        }
        long cpuBefore = totalCpu(fronts);
        long t0 = System.nanoTime();
        // a first part of the fleet that holds every scope (proxy i is of scope i mod namespaces x apps), so what the
        // rest adds to a front's heap is what a connected proxy costs beside the scopes' shared resources
        int scopes = opts.get("namespaces") * opts.get("apps");
        int firstPart = proxies >= 2 * scopes ? proxies / 2 : proxies;
        int wave = opts.get("connect-wave") > 0 ? opts.get("connect-wave") : proxies;
        try (Fleet fleet = new Fleet(fronts.stream().map(Front::xdsPort).toList(), Math.min(wave, firstPart))) {
            fleet.proxies.get(0).capture = core != null;
            // each service: its cluster and two subsets; with namespace Sidecars, the own namespace's services only
            int clusters = (opts.get("sidecars") == 1 ? mesh.servicesPerNamespace() : opts.get("services")) * 3;
            List<Long> heapFirstPart = new ArrayList<>();
            List<Integer> firstOnFront = new ArrayList<>();
            int joined = fleet.proxies.size();
            while (joined < proxies) {
                if (joined == firstPart) {
                    awaitFleet("initial sync of the first " + firstPart, fleet.proxies, p -> p.clusters() >= clusters, t0);
                    System.out.printf("initial sync: the first %d proxies (every scope) hold %d clusters after %d ms%n",
                            firstPart, clusters, (System.nanoTime() - t0) / 1_000_000);
                    for (int f = 0; f < fronts.size(); f++) {
                        heapFirstPart.add(fronts.get(f).heap());
                        firstOnFront.add(fleet.byFront.get(f).size());
                    }
                } else {
                    awaitFleet("initial sync of a wave", fleet.proxies, p -> p.clusters() >= clusters, t0);
                }
                int next = Math.min(joined + wave, joined < firstPart ? firstPart : proxies);
                fleet.connect(joined, next);
                joined = next;
            }
            awaitFleet("initial sync", fleet.proxies, p -> p.clusters() >= clusters, t0);
            System.out.printf("initial sync: all %d proxies connected and holding %d clusters after %d ms (fronts' CPU %d ms)%s%n",
                    proxies, clusters, (System.nanoTime() - t0) / 1_000_000, (totalCpu(fronts) - cpuBefore) / 1_000_000,
                    reopened(SimulatedProxy.RECONNECTS.getAndSet(0)));
            double perProxy = 0;
            for (int f = 0; f < fronts.size(); f++) {
                long after = fronts.get(f).heap();
                int connected = fleet.byFront.get(f).size();
                double kb = (after - heapBefore.get(f)) / 1024.0 / connected;
                perProxy += kb / fronts.size();
                System.out.printf("front %d heap: %.1f MB before, %.1f MB with %d proxies: %.1f KB per connected proxy%n",
                        f, heapBefore.get(f) / 1e6, after / 1e6, connected, kb);
                if (!heapFirstPart.isEmpty()) {
                    System.out.printf("front %d heap: %.1f MB with the first %d proxies (every scope served), %.1f MB with %d: "
                                    + "%.1f KB per proxy beyond the scopes' shared resources%n", f, heapFirstPart.get(f) / 1e6,
                            firstOnFront.get(f), after / 1e6, connected,
                            (after - heapFirstPart.get(f)) / 1024.0 / Math.max(1, connected - firstOnFront.get(f)));
                }
            }
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("harness heap after a GC: %.0f MB (%.1f KB per simulated proxy, with broker, ingest, translate)%n",
                    (rt.totalMemory() - rt.freeMemory()) / 1e6, (rt.totalMemory() - rt.freeMemory()) / 1024.0 / proxies);
            // what the fronts spend with the fleet connected and nothing changing: part of every revision's CPU figure
            Thread.sleep(2000);
            long idleFrom = totalCpu(fronts);
            long idleStart = System.nanoTime();
            Thread.sleep(5000);
            System.out.printf("fronts' CPU while idle: %.0f ms per second%n",
                    (totalCpu(fronts) - idleFrom) / 1e6 / ((System.nanoTime() - idleStart) / 1e9));
            System.out.printf("%-9s %-9s %-9s %-9s %-9s %-9s %-10s %-11s %-12s %-14s %s%n", "revision", "kind", "affected", "p50 ms",
                    "p99 ms", "max ms", "fan-out ms", "bus bytes", "core CPU ms", "front CPU ms", "responses: count x average bytes");
            List<Long> p99s = new ArrayList<>();
            List<Long> cpus = new ArrayList<>();
            List<Timed> timed = new ArrayList<>();
            // config revisions, in turn: a subset added (a new cluster), a weight shift (a new route), a new service
            for (int r = firstRevision; r < firstRevision + opts.get("revisions"); r++) {
                String kind = MeshGenerator.kindOf(r);
                timed.add(revision(r, kind, mesh.configChange(r), kind.equals("weights") ? XdsTypes.RDS_INDEX : XdsTypes.CDS_INDEX,
                        fronts, mesh, fleet, core, p99s, cpus));
            }
            // endpoint churn: one service's endpoint moves; every proxy that sees it must receive the new address
            List<Long> churnP99s = new ArrayList<>();
            for (int r = firstRevision; r < firstRevision + opts.get("churn"); r++) {
                timed.add(revision(r, "endpoint", mesh.moveEndpoint(r), XdsTypes.EDS_INDEX, fronts, mesh, fleet, core, churnP99s,
                        new ArrayList<>()));
            }
            return new Figures(median(p99s), perProxy, median(cpus), timed);
        }
    }

    /**
     * Commits one revision (what changed is already in {@code mesh}) and prints when every proxy that sees the
     * changed service held it (p50 / p99 / max after the commit), the fan-out, bytes on the bus (Strait only),
     * CPU spent (per front) and the responses sent per type.
     */
    private Timed revision(int r, String kind, MeshGenerator.Change change, int type, List<Front> fronts, MeshGenerator mesh,
                           Fleet fleet, StraitNode core, List<Long> p99s, List<Long> cpus) throws Exception {
        // with namespace Sidecars only the changed service's namespace sees it; otherwise every proxy does
        List<SimulatedProxy> affected = opts.get("sidecars") == 1
                ? fleet.proxies.stream().filter(p -> p.namespace.equals(change.namespace())).toList() : fleet.proxies;
        Map<TopicPartition, Long> offsets = core == null ? null : BusBytes.ends(core.bus());
        long coreCpu = coreCpuNanos();
        List<Long> frontCpu = new ArrayList<>();
        for (Front f : fronts) {
            frontCpu.add(f.cpuNanos());
        }
        int reopenedBefore = SimulatedProxy.RECONNECTS.get();
        FleetWatch watch = new FleetWatch();
        FleetWatch.Awaited key = watch.await(type, change.expect());
        FleetWatch.current = watch;
        long commit = System.nanoTime();
        mesh.flush(change);
        awaitFleet("revision " + (r + 1), affected, p -> p.holds(key), commit);
        long cpu = 0;
        List<String> perFront = new ArrayList<>();
        for (int f = 0; f < fronts.size(); f++) {
            long ms = (fronts.get(f).cpuNanos() - frontCpu.get(f)) / 1_000_000;
            cpu += ms;
            perFront.add(String.valueOf(ms));
        }
        // the last responses of the revision (e.g. EDS after CDS) may still be on their way: let them be counted
        Thread.sleep(1000);
        FleetWatch.current = null;
        List<Long> latencies = new ArrayList<>();
        long lastAck = 0;
        for (SimulatedProxy p : affected) {
            latencies.add((p.ackedAt(key) - commit) / 1_000_000);
            lastAck = Math.max(lastAck, p.ackedAt(key));
        }
        latencies.sort(null);
        long fanOut = (lastAck - watch.firstResponseAt.get()) / 1_000_000;
        String bytes = core == null ? "-" : String.valueOf(BusBytes.since(core.bus(), offsets));
        long p99 = latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1);
        p99s.add(p99);
        cpus.add(cpu);
        System.out.printf("%-9s %-9s %-9d %-9d %-9d %-9d %-10d %-11s %-12d %-14s %s%n", r + 1, kind, affected.size(),
                latencies.get(latencies.size() / 2), p99, latencies.get(latencies.size() - 1), fanOut, bytes,
                (coreCpuNanos() - coreCpu) / 1_000_000, String.join("/", perFront), perProxyResponses(watch, affected.size())
                + reopened(SimulatedProxy.RECONNECTS.get() - reopenedBefore));
        return new Timed(r + 1, kind, watch, key, fanOut);
    }

    /** Streams the fronts ended and the proxies reopened: each costs a full resend (a sign of overload). */
    private static String reopened(int streams) {
        return streams == 0 ? "" : "; " + streams + " streams ended by the front and reopened";
    }

    /** Responses per type per affected proxy and their average size, e.g. {@code CDS 1.0 x 912345 B}. */
    private static String perProxyResponses(FleetWatch watch, int affected) {
        StringBuilder out = new StringBuilder();
        for (int t = 0; t < 4; t++) {
            long n = watch.responses[t].sum();
            if (n > 0) {
                out.append(out.isEmpty() ? "" : ", ").append(String.format("%s %.1f x %d B", XdsTypes.SHORT[t], (double) n / affected,
                        watch.bytes[t].sum() / n));
            }
        }
        return out.isEmpty() ? "-" : out.toString();
    }

    /**
     * The physical limit: a second fleet of the same size and kind connects to {@link PlainFanOut}; per revision,
     * the plain server writes every stream the responses one proxy received from Strait for it, and the fan-out is
     * timed the same way (first response any proxy received → last proxy's ACK of the awaited key).
     */
    private void plainFanOut(PlainProcess plain, List<Timed> timed) throws Exception {
        System.out.printf("%n== plain gRPC fan-out (same bytes, no control-plane logic; a second fleet of %d proxies) ==%n",
                opts.get("proxies"));
        try (Fleet fleet = new Fleet(List.of(plain.xdsPort()), opts.get("proxies"))) {
            waitUntil(() -> plain.streams() >= opts.get("proxies"), opts.get("timeout"));
            System.out.printf("%-9s %-9s %-18s %-16s %-14s %s%n", "revision", "kind", "strait fan-out ms", "plain fan-out ms",
                    "strait/plain", "bytes resent per stream");
            List<Double> ratios = new ArrayList<>();
            for (Timed t : timed) {
                List<FleetWatch.Captured> captured = List.copyOf(t.watch().captured);
                FleetWatch watch = new FleetWatch();
                FleetWatch.Awaited key = watch.await(t.key().type, t.key().expect);
                FleetWatch.current = watch;
                plain.fanOut(captured);
                awaitFleet("plain revision " + t.revision(), fleet.proxies, p -> p.holds(key), System.nanoTime());
                FleetWatch.current = null;
                long lastAck = fleet.proxies.stream().mapToLong(p -> p.ackedAt(key)).max().orElseThrow();
                long fanOut = Math.max(1, (lastAck - watch.firstResponseAt.get()) / 1_000_000);
                double ratio = (double) t.fanOutMs() / fanOut;
                ratios.add(ratio);
                System.out.printf("%-9d %-9s %-18d %-16d %-14.2f %d responses, %d B%n", t.revision(), t.kind(), t.fanOutMs(), fanOut,
                        ratio, captured.size(), captured.stream().mapToLong(c -> c.bytes().length).sum());
                Thread.sleep(1000);
            }
            ratios.sort(null);
            System.out.printf("strait fan-out / plain fan-out: median %.2fx, max %.2fx (target <= 1.5x)%n", ratios.get(ratios.size() / 2),
                    ratios.get(ratios.size() - 1));
        }
    }

    /** Waits until every proxy of {@code fleet} is done, saying every minute how many are (long runs stay readable). */
    private void awaitFleet(String what, List<SimulatedProxy> fleet, java.util.function.Predicate<SimulatedProxy> done, long from)
            throws InterruptedException {
        long nextReport = from + 60_000_000_000L;
        while (!fleet.stream().allMatch(done)) {
            if (System.nanoTime() > from + opts.get("timeout") * 1_000_000_000L) {
                throw new IllegalStateException(what + ": " + fleet.stream().filter(done).count() + " of " + fleet.size()
                        + " proxies done within " + opts.get("timeout") + " s (--timeout)");
            }
            if (System.nanoTime() > nextReport) {
                nextReport = System.nanoTime() + 60_000_000_000L;
                System.out.printf("  %s: %d of %d proxies done after %d s%s%n", what, fleet.stream().filter(done).count(), fleet.size(),
                        (System.nanoTime() - from) / 1_000_000_000L, reopened(SimulatedProxy.RECONNECTS.get()));
                List<SimulatedProxy> waiting = fleet.stream().filter(done.negate()).limit(21).toList();
                if (waiting.size() <= 20) {
                    waiting.forEach(p -> System.out.println("    still waiting: " + p.describe()));
                }
            }
            Thread.sleep(20);
        }
    }

    private static long totalCpu(List<Front> fronts) {
        return fronts.stream().mapToLong(Front::cpuNanos).sum();
    }

    private static double median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
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
            List<String> full = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx" + System.getProperty("strait.front.xmx", "4g")));
            // e.g. -Dstrait.front.jvm="-XX:StartFlightRecording=filename=front.jfr" to profile the server
            String extra = System.getProperty("strait.front.jvm", "");
            if (!extra.isBlank()) {
                full.addAll(List.of(extra.trim().split("\\s+")));
            }
            full.addAll(command);
            process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(dataDir.resolve("front.out").toFile()).start();
            Process started = process;
            // a harness stopped with a signal (or --timeout) does not leave its fronts running
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroy));
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
            return Long.parseLong(get("/debug/heap"));
        }

        String get(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                    .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString()).body().trim();
        }

        HttpClient http() {
            return http;
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

    /** The physical limit ({@link PlainFanOut}): a plain gRPC server that resends given bytes to every stream. */
    static final class PlainProcess extends Front {
        PlainProcess(Path dataDir) throws Exception {
            start(List.of("-cp", System.getProperty("java.class.path"), PlainFanOut.class.getName(), String.valueOf(xdsPort()),
                    String.valueOf(adminPort)), dataDir);
        }

        int streams() {
            try {
                return Integer.parseInt(get("/streams"));
            } catch (Exception e) {
                return 0;
            }
        }

        /** Hands every stream these responses (each to the streams of its kind); returns once all were handed. */
        void fanOut(List<FleetWatch.Captured> responses) throws Exception {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            java.io.DataOutputStream out = new java.io.DataOutputStream(body);
            for (FleetWatch.Captured c : responses) {
                out.write(c.delta() ? 1 : 0);
                out.writeInt(c.bytes().length);
                out.write(c.bytes());
            }
            http().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/fanout"))
                    .timeout(Duration.ofSeconds(900)).POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofString());
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
