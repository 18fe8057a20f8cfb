package io.strait.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.cli.status.MeshStatus;
import io.strait.cli.status.StatusReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A long run of a steady fleet under steady change, to show what does not show in a five-revision benchmark: heap
 * that creeps, consumers that fall behind, proxies that silently stop receiving.
 *
 * <p>The broker runs in this JVM with the simulated fleet (state-of-the-world {@link SotwProxy} sidecars, each change
 * awaited through one shared {@link FleetWatch} with several keys in flight); the core (ingest and translate:
 * {@code strait run ingest translate}) and the xDS front ({@code strait run xds}) each run in their own JVM from the
 * packaged CLI, so the heap each reports after a full GC ({@code /debug/heap} on its admin port) is its own. Every
 * {@code --every-ms} a config revision is written, in turn a subset added, a weight shift and a new service (as
 * {@link MeshGenerator} makes them), and half a period later an endpoint moves ({@code --churn 0} turns the moves off).
 * With {@code --steady 1} the mesh does not grow: the revisions shift an existing VirtualService's weights and flip an
 * existing DestinationRule's third subset, in turn, so a heap slope is a leak rather than the mesh's growth.
 *
 * <p>Every minute it prints both heaps, the proxies that are <b>behind</b> (missing a change committed more than
 * {@code --grace-s} ago, from the fleet's own ACKs), the proxies {@code strait status} shows STALE or NACK (read
 * from {@code strait.proxy-status.v1} as the command does), the largest {@code strait_consumer_lag} of each process
 * (its {@code /metrics}) and the p99 of commit → last affected proxy's ACK of the changes completed that minute. At
 * the end: the heap slopes (least squares over the per-minute samples after the first, KB/min), the largest lag,
 * the proxies still behind once changes stop (after up to 60 s to settle) and how many changes every affected proxy
 * received.
 *
 * <p>Usage (from the repository root, after {@code ./mvnw -q -o -pl benchmarks -am package -DskipTests}):
 * {@code java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" io.strait.bench.SoakHarness
 * --minutes 30 --proxies 1000 --services 1000 --namespaces 50 --apps 4} (add {@code --steady 1} for a mesh that does not
 * grow).
 */
public final class SoakHarness {
    private static final Pattern LAG = Pattern.compile("^strait_consumer_lag\\{[^}]*loop=\"([^\"]+)\"[^}]*} ([0-9.eE+-]+)$", Pattern.MULTILINE);

    /** Held, so that the level set on it lasts (JUL keeps loggers only weakly): grpc-java's INFO lines on closed streams are noise here. */
    private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");

    private final Map<String, Integer> opts;
    private final HttpClient http = HttpClient.newHttpClient();

    private SoakHarness(Map<String, Integer> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> opts = new HashMap<>(Map.of("minutes", 30, "proxies", 1000, "services", 1000, "namespaces", 50,
                "apps", 4, "every-ms", 2000, "churn", 1, "grace-s", 10, "steady", 0));
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].replaceFirst("^--", "");
            if (!opts.containsKey(name) || i + 1 >= args.length || !args[i + 1].matches("\\d+")) {
                System.err.println("SoakHarness: '" + args[i] + "' is not an option with a number; options: "
                        + new java.util.TreeSet<>(opts.keySet()) + " (e.g. --minutes 30)");
                System.exit(2);
            }
            opts.put(name, Integer.parseInt(args[i + 1]));
        }
        GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
        new SoakHarness(opts).run();
        System.exit(0);
    }

    /**
     * One change written: the key its affected proxies must come to hold, awaited on the fleet's watch until they all
     * do, and when it was committed. Read by the driving thread only.
     */
    private static final class Written {
        final FleetWatch.Awaited key;
        final List<SimulatedProxy> affected;
        final long committedAt;
        private final FleetWatch watch;
        /** Nanos from commit to the last affected proxy's ACK, once every one held it; -1 until then. */
        private long completedAfter = -1;

        Written(FleetWatch watch, FleetWatch.Awaited key, List<SimulatedProxy> affected, long committedAt) {
            this.watch = watch;
            this.key = key;
            this.affected = affected;
            this.committedAt = committedAt;
        }

        /**
         * Nanos from commit to the last affected proxy's ACK, or -1 while one does not hold it yet. The first time
         * every proxy holds it, the key is no longer awaited (the proxies forget its time).
         */
        long completedAfter() {
            if (completedAfter >= 0) {
                return completedAfter;
            }
            long last = committedAt;
            for (SimulatedProxy p : affected) {
                long at = p.ackedAt(key);
                if (at < 0) {
                    return -1;
                }
                last = Math.max(last, at);
            }
            completedAfter = last - committedAt;
            watch.done(key);
            return completedAfter;
        }

        /** Whether {@code p} holds the change (every affected proxy does once it completed). */
        boolean heldBy(SimulatedProxy p) {
            return completedAfter >= 0 || p.holds(key);
        }
    }

    /** One minute's sample. */
    private record Sample(int minute, long frontHeap, long coreHeap) {
    }

    private void run() throws Exception {
        int proxies = opts.get("proxies");
        int namespaces = opts.get("namespaces");
        Path dir = Files.createTempDirectory("strait-soak");
        Path config = dir.resolve("config");
        boolean steady = opts.get("steady") == 1;
        MeshGenerator mesh = new MeshGenerator(config, opts.get("services"), namespaces, steady);
        mesh.writeAll();
        mesh.writeSidecars();
        System.out.printf("soak: %d min, %d proxies, %d services in %d namespaces (namespace Sidecars), a config revision every %d ms%s%s%n",
                opts.get("minutes"), proxies, opts.get("services"), namespaces, opts.get("every-ms"),
                opts.get("churn") == 1 ? " and an endpoint move between each two" : "",
                steady ? "; steady: weight shifts and subset flips of existing objects, the mesh does not grow" : "");
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, load average at start " + loadAverage());
        try (EmbeddedKafka broker = new EmbeddedKafka(dir.resolve("broker"), 0).start();
             CoreProcess core = new CoreProcess(broker.bootstrapServers(), config, dir.resolve("core"));
             LoadHarness.FrontProcess front = new LoadHarness.FrontProcess(broker.bootstrapServers(), dir.resolve("front"))) {
            BusConfig bus = new BusConfig(broker.bootstrapServers(), "soak");
            drive(mesh, bus, core, front);
        }
    }

    private void drive(MeshGenerator mesh, BusConfig bus, CoreProcess core, LoadHarness.Front front) throws Exception {
        int proxies = opts.get("proxies");
        int namespaces = opts.get("namespaces");
        NioEventLoopGroup loop = new NioEventLoopGroup(2);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        List<SimulatedProxy> fleet = new ArrayList<>();
        List<ManagedChannel> channels = new ArrayList<>();
        Map<String, List<SimulatedProxy>> byNamespace = new HashMap<>();
        // one watch for the whole run: each change adds its key, which leaves once every affected proxy holds it
        FleetWatch watch = new FleetWatch();
        FleetWatch.current = watch;
        int reconnectsBefore = SimulatedProxy.RECONNECTS.get();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < proxies; i++) {
                SimulatedProxy p = connect(i, front, loop, executor, channels);
                fleet.add(p);
                byNamespace.computeIfAbsent(p.namespace, k -> new ArrayList<>()).add(p);
            }
            int clusters = mesh.servicesPerNamespace() * mesh.clustersPerService();
            LoadHarness.waitUntil(() -> fleet.stream().allMatch(p -> p.clusters() >= clusters), 900);
            System.out.printf("all %d proxies connected and holding %d clusters after %d ms%n", proxies, clusters,
                    (System.nanoTime() - t0) / 1_000_000);
            System.out.printf("%-6s %-14s %-13s %-8s %-8s %-7s %-13s %-10s %-10s %-11s %-6s%n", "minute", "front heap MB",
                    "core heap MB", "written", "held", "behind", "STALE, reconn.", "front lag", "core lag", "p99 s (min)", "load");
            List<Sample> samples = new ArrayList<>();
            samples.add(sample(0, front, core));
            print(samples.get(0), 0, 0, behind(List.of(), 0), staleInStatus(bus) + " r0", front, core, List.of());

            ConcurrentLinkedQueue<Written> pending = new ConcurrentLinkedQueue<>();
            List<Written> all = new ArrayList<>();
            List<Long> minuteCompletions = new ArrayList<>();
            double maxFrontLag = 0;
            double maxCoreLag = 0;
            int written = 0;
            Map<String, Integer> kinds = new java.util.TreeMap<>();
            int held = 0;
            long every = opts.get("every-ms") * 1_000_000L;
            long start = System.nanoTime();
            long end = start + opts.get("minutes") * 60_000_000_000L;
            long nextSample = start + 60_000_000_000L;
            int tick = 0;
            int minute = 0;
            while (System.nanoTime() < end) {
                // a config revision on the period, an endpoint move half a period later
                boolean move = opts.get("churn") == 1 && tick % 2 == 1;
                int r = tick / 2;
                long due = start + tick * (opts.get("churn") == 1 ? every / 2 : every);
                if (opts.get("churn") == 0) {
                    r = tick;
                }
                sleepUntil(due);
                String kind = move ? "endpoint" : mesh.kind(r);
                MeshGenerator.Change change = move ? mesh.moveEndpoint(r) : mesh.configChange(r);
                // an endpoint arrives in EDS, a weight in RDS, a subset or a service as a cluster in CDS
                int type = move ? XdsTypes.EDS_INDEX : kind.equals("weights") ? XdsTypes.RDS_INDEX : XdsTypes.CDS_INDEX;
                FleetWatch.Awaited key = watch.await(type, change.expect());
                long committed = System.nanoTime();
                mesh.flush(change);
                Written w = new Written(watch, key, byNamespace.getOrDefault(change.namespace(), List.of()), committed);
                pending.add(w);
                all.add(w);
                written++;
                kinds.merge(kind, 1, Integer::sum);
                tick++;
                // completed changes leave the pending set; their commit → last ACK is this minute's figure
                for (var it = pending.iterator(); it.hasNext(); ) {
                    long after = it.next().completedAfter();
                    if (after >= 0) {
                        it.remove();
                        held++;
                        minuteCompletions.add(after);
                    }
                }
                if (System.nanoTime() >= nextSample) {
                    minute++;
                    nextSample += 60_000_000_000L;
                    Sample s = sample(minute, front, core);
                    samples.add(s);
                    double[] lags = print(s, written, held, behind(List.copyOf(pending), opts.get("grace-s")),
                            staleInStatus(bus) + " r" + (SimulatedProxy.RECONNECTS.get() - reconnectsBefore), front, core, minuteCompletions);
                    maxFrontLag = Math.max(maxFrontLag, lags[0]);
                    maxCoreLag = Math.max(maxCoreLag, lags[1]);
                    minuteCompletions.clear();
                }
            }
            // changes stop: every proxy should come to hold every change it sees
            long settleFrom = System.nanoTime();
            try {
                LoadHarness.waitUntil(() -> pending.stream().allMatch(w -> w.completedAfter() >= 0), 60);
            } catch (IllegalStateException e) {
                System.out.println("not settled within 60 s after the last change");
            }
            System.out.printf("settled %d ms after the last change%n", (System.nanoTime() - settleFrom) / 1_000_000);
            Set<SimulatedProxy> stale = new HashSet<>();
            int received = 0;
            for (Written w : all) {
                boolean everyone = true;
                for (SimulatedProxy p : w.affected) {
                    if (!w.heldBy(p)) {
                        stale.add(p);
                        everyone = false;
                    }
                }
                received += everyone ? 1 : 0;
            }
            System.out.printf("%nsoak result after %d minutes (%d samples), load average at end %s%n", minute, samples.size(), loadAverage());
            List<Sample> steady = samples.size() > 2 ? samples.subList(1, samples.size()) : samples;
            System.out.printf("front heap after GC: %.1f MB at minute 1, %.1f MB at the end, slope %.1f KB/min%n",
                    steady.get(0).frontHeap() / 1e6, steady.get(steady.size() - 1).frontHeap() / 1e6, slopeKbPerMinute(steady, Sample::frontHeap));
            System.out.printf("core heap after GC: %.1f MB at minute 1, %.1f MB at the end, slope %.1f KB/min%n",
                    steady.get(0).coreHeap() / 1e6, steady.get(steady.size() - 1).coreHeap() / 1e6, slopeKbPerMinute(steady, Sample::coreHeap));
            System.out.printf("largest consumer lag seen (strait_consumer_lag): front %.0f, core %.0f records%n", maxFrontLag, maxCoreLag);
            System.out.println("front refusals (strait_xds_refused_total, e.g. the per-stream request rate): " + refusals(front.adminPort));
            System.out.printf("streams the front ended (e.g. its max connection age) that the proxies reopened: %d%n",
                    SimulatedProxy.RECONNECTS.get() - reconnectsBefore);
            System.out.println("changes by kind " + kinds + (opts.get("steady") == 1 ? " (steady: existing objects changed, the mesh does not grow)"
                    : " (each service change adds a service, each subset change a subset: the mesh grows)"));
            System.out.printf("changes written %d, received by every affected proxy %d; proxies left STALE %d of %d; status shows %s STALE/NACK%n",
                    written, received, stale.size(), proxies, staleInStatus(bus));
        } finally {
            FleetWatch.current = null;
            fleet.forEach(SimulatedProxy::close);
            channels.forEach(ManagedChannel::shutdownNow);
            loop.shutdownGracefully();
            executor.shutdownNow();
        }
    }

    /**
     * Proxy {@code i} of the fleet, on its own connection: its namespace and app (its scope) follow from {@code i}, as
     * in the load harness. A stream the front ends (a connection recycled at its max age, 30 min + 1 min grace as
     * istiod) is reopened by the proxy a second later, as Envoy does, and receives the whole current state.
     */
    private SimulatedProxy connect(int i, LoadHarness.Front front, NioEventLoopGroup loop, ExecutorService executor,
                                   List<ManagedChannel> channels) {
        String ns = "ns-" + (i % opts.get("namespaces"));
        String app = "app-" + ((i / opts.get("namespaces")) % opts.get("apps"));
        ManagedChannel channel = SimulatedProxy.channel("127.0.0.1", front.xdsPort(), loop, executor);
        channels.add(channel);
        return SimulatedProxy.connect(false, channel, app + "-" + i, ns, app);
    }

    private Sample sample(int minute, LoadHarness.Front front, CoreProcess core) throws Exception {
        return new Sample(minute, front.heap(), core.heap());
    }

    /** Prints one minute's line; returns the largest lag of the front and of the core. */
    private double[] print(Sample s, int written, int held, int behind, String stale, LoadHarness.Front front, CoreProcess core,
                           List<Long> completions) {
        double frontLag = maxLag(front.adminPort);
        double coreLag = maxLag(core.adminPort);
        List<Long> sorted = new ArrayList<>(completions);
        sorted.sort(null);
        String p99 = sorted.isEmpty() ? "-" : String.format("%.2f", sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1e9);
        System.out.printf("%-6d %-14.1f %-13.1f %-8d %-8d %-7d %-13s %-10.0f %-10.0f %-11s %-6s%n", s.minute(), s.frontHeap() / 1e6,
                s.coreHeap() / 1e6, written, held, behind, stale, frontLag, coreLag, p99, loadAverage());
        return new double[] {frontLag, coreLag};
    }

    /** Proxies missing a change committed more than {@code graceSeconds} ago. */
    private static int behind(List<Written> pending, int graceSeconds) {
        long before = System.nanoTime() - graceSeconds * 1_000_000_000L;
        Set<SimulatedProxy> late = new HashSet<>();
        for (Written w : pending) {
            if (w.committedAt < before) {
                w.affected.stream().filter(p -> !w.heldBy(p)).forEach(late::add);
            }
        }
        return late.size();
    }

    /** Proxies {@code strait status} would show STALE or NACK on some type, read from the bus as the command reads it. */
    private static String staleInStatus(BusConfig bus) {
        try {
            MeshStatus status = StatusReader.read(bus, Duration.ofSeconds(20));
            long stale = status.proxies().stream()
                    .filter(p -> p.types().values().stream().anyMatch(t -> !t.state().equals("SYNCED"))).count();
            return stale + "/" + status.proxies().size();
        } catch (RuntimeException e) {
            return "unread";
        }
    }

    /** The largest {@code strait_consumer_lag} (over its poll loops) a process's {@code /metrics} shows; -1 unread or absent. */
    private double maxLag(int adminPort) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).body();
            double max = -1;
            Matcher m = LAG.matcher(body);
            while (m.find()) {
                max = Math.max(max, Double.parseDouble(m.group(2)));
            }
            return max;
        } catch (Exception e) {
            return -1;
        }
    }

    /** The front's {@code strait_xds_refused_total} lines, or "none". */
    private String refusals(int adminPort) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).body();
            List<String> lines = body.lines().filter(l -> l.startsWith("strait_xds_refused_total")).toList();
            return lines.isEmpty() ? "none" : String.join("; ", lines);
        } catch (Exception e) {
            return "unread";
        }
    }

    /** Least-squares slope of a heap figure over the samples' minutes, in KB per minute. */
    static double slopeKbPerMinute(List<Sample> samples, java.util.function.ToLongFunction<Sample> heap) {
        int n = samples.size();
        if (n < 2) {
            return 0;
        }
        double mx = samples.stream().mapToDouble(Sample::minute).average().orElse(0);
        double my = samples.stream().mapToDouble(s -> heap.applyAsLong(s) / 1024.0).average().orElse(0);
        double num = 0;
        double den = 0;
        for (Sample s : samples) {
            num += (s.minute() - mx) * (heap.applyAsLong(s) / 1024.0 - my);
            den += (s.minute() - mx) * (s.minute() - mx);
        }
        return den == 0 ? 0 : num / den;
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0];
        } catch (Exception e) {
            return "-";
        }
    }

    /** Pacing of the change stream (a benchmark's clock, not a test's wait). */
    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    /** The core, ingest and translate, in its own JVM: the packaged CLI's {@code run ingest translate}. */
    static final class CoreProcess extends LoadHarness.Front {
        CoreProcess(String kafka, Path config, Path dataDir) throws Exception {
            Path jar = Path.of("modules/cli/target/strait-cli.jar").toAbsolutePath();
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: run ./mvnw -q -o -pl benchmarks -am package -DskipTests first");
            }
            start(List.of("-jar", jar.toString(), "run", "ingest", "translate", "--kafka", kafka, "--config", config.toString(),
                    "--admin-port", String.valueOf(adminPort), "--data-dir", dataDir.toString()), dataDir);
        }
    }
}
