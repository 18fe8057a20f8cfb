package io.strait.bench;

import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.model.proxy.ProxyType;
import io.strait.translate.pilot.ScopeTranslator;
import io.strait.translate.xds.XdsResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Row D's translation cost (issue 14): the {@link MeshGenerator} mesh of 1,000 services in 50 namespaces without
 * Sidecars, so every scope sees every service. {@link #oneSidecar} translates one Envoy sidecar's scope,
 * {@link #oneGrpc} one proxyless gRPC client's; {@link #revision} does what the translator does for a revision of
 * row D's fleet ({@code --apps 4}: 200 sidecar scopes): groups them by {@link ScopeTranslator#inputsOf} and
 * translates each distinct input once, on this thread. Each invocation gets a new model of the same resources, as
 * each revision does, so what the translations of a revision share ({@link MeshModel#derived}) is computed anew.
 *
 * <p>Run from the repository root: see BENCHMARKS.md, "Row D: translating a 1,000-service scope".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(1)
public class ScopeTranslationBenchmark {
    static final int SERVICES = 1000;
    static final int NAMESPACES = 50;
    static final int APPS = 4;

    private final ScopeTranslator translator = new ScopeTranslator();
    private List<io.strait.model.istio.IstioResource> resources;
    /** The revision's model, built afresh for every invocation: nothing derived from it is carried over. */
    private MeshModel model;
    private List<ProxyIdentity> fleet;
    private List<ProxyIdentity> grpcFleet;

    @Setup
    public void generate() throws Exception {
        Path dir = Files.createTempDirectory("strait-rowd");
        new MeshGenerator(dir, SERVICES, NAMESPACES).writeAll();
        resources = List.copyOf(AuthzTranslationBenchmark.load(dir).resources());
        fresh();
        fleet = new ArrayList<>();
        grpcFleet = new ArrayList<>();
        for (int ns = 0; ns < NAMESPACES; ns++) {
            for (int app = 0; app < APPS; app++) {
                fleet.add(proxy(ProxyType.SIDECAR, ns, app));
                grpcFleet.add(proxy(ProxyType.GRPC, ns, app));
            }
        }
    }

    /** A new model of the same resources, as the translator builds one per revision. */
    @Setup(Level.Invocation)
    public void fresh() {
        model = MeshModel.of(resources);
    }

    /** A workload {@code app-<app>} in {@code ns-<ns>}, labelled as the load harness's simulated proxies are. */
    static ProxyIdentity proxy(ProxyType type, int ns, int app) {
        String ip = "10." + ns + "." + app + ".1";
        return new ProxyIdentity("sidecar~" + ip + "~app-" + app + "-0.ns-" + ns + "~ns-" + ns + ".svc.cluster.local",
                type, ip, "app-" + app + "-0", "ns-" + ns, "default", "Kubernetes", Map.of("app", "app-" + app), "");
    }

    /** One Envoy sidecar scope: 1,000 services, 3,000 clusters and assignments, one route configuration. */
    @Benchmark
    public XdsResources oneSidecar() {
        return translator.translate(model, fleet.get(0));
    }

    /** One proxyless gRPC scope: an API listener and a route configuration per service. */
    @Benchmark
    public XdsResources oneGrpc() {
        return translator.translate(model, proxy(ProxyType.GRPC, 0, 0));
    }

    /** A revision for row D's 200 sidecar scopes: each distinct translation input once, as the translator does. */
    @Benchmark
    public int revision() {
        return revision(fleet);
    }

    /** The same for 200 proxyless gRPC scopes (no namespace of row D is distinguished for them). */
    @Benchmark
    public int revisionGrpc() {
        return revision(grpcFleet);
    }

    /** Translates each distinct input of {@code scopes} once; returns distinct inputs × 10^6 + clusters per scope. */
    private int revision(List<ProxyIdentity> scopes) {
        Map<ScopeTranslator.Inputs, ProxyIdentity> representative = new LinkedHashMap<>();
        for (ProxyIdentity p : scopes) {
            representative.putIfAbsent(ScopeTranslator.inputsOf(model, p), p);
        }
        int resources = 0;
        for (ProxyIdentity p : representative.values()) {
            resources += translator.translate(model, p).clusters().size();
        }
        return representative.size() * 1_000_000 + resources / representative.size();
    }

    /**
     * Wall and CPU time of one call on a fresh model: CPU time of this thread beside the wall clock, which on a
     * shared machine measures the neighbours too.
     */
    private String timed(Runnable call) {
        fresh();
        return measured(call);
    }

    /**
     * The same, on a model whose derived values (clusters, assignments, virtual hosts, mesh routes) a first call has
     * already computed: the part of a revision that is not those values.
     */
    private String timedWarm(Runnable call) {
        fresh();
        call.run();
        return measured(call);
    }

    /** Wall and CPU time of one call, on the model as it is. */
    private static String measured(Runnable call) {
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        long wall = System.nanoTime();
        long used = cpu.getCurrentThreadCpuTime();
        call.run();
        return (System.nanoTime() - wall) / 1_000_000 + " ms (cpu " + (cpu.getCurrentThreadCpuTime() - used) / 1_000_000 + " ms)";
    }

    /** Times each benchmark a few times without JMH (a quick look, and a target for a profiler). */
    public static void main(String[] args) throws Exception {
        ScopeTranslationBenchmark b = new ScopeTranslationBenchmark();
        long t0 = System.nanoTime();
        b.generate();
        System.out.printf("model: %d services, %d resources, %d ms%n", b.model.services().size(),
                b.model.resources().size(), (System.nanoTime() - t0) / 1_000_000);
        if (args.length > 1 && args[0].equals("warm")) {
            // only the part of a revision that is not the derived values (one model, computed once): a profiler's target
            b.fresh();
            b.revision();
            for (int i = 0; i < Integer.parseInt(args[1]); i++) {
                System.out.printf("sidecar revision again on the same model: %s%n", measured(b::revision));
            }
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        for (int i = 0; i < rounds; i++) {
            int[] scopes = new int[2];
            System.out.printf("round %d: sidecar %s, grpc %s, sidecar revision %s (%d distinct inputs),"
                            + " grpc revision %s (%d distinct inputs), sidecar revision again on the same model %s%n", i,
                    b.timed(b::oneSidecar), b.timed(b::oneGrpc),
                    b.timed(() -> scopes[0] = b.revision() / 1_000_000), scopes[0],
                    b.timed(() -> scopes[1] = b.revisionGrpc() / 1_000_000), scopes[1], b.timedWarm(b::revision));
        }
    }
}
