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
 * translates each distinct input once, on this thread. The model is built once, as the translator builds it once
 * per revision for all its scopes.
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
    private MeshModel model;
    private List<ProxyIdentity> fleet;

    @Setup
    public void generate() throws Exception {
        Path dir = Files.createTempDirectory("strait-rowd");
        new MeshGenerator(dir, SERVICES, NAMESPACES).writeAll();
        model = AuthzTranslationBenchmark.load(dir);
        fleet = new ArrayList<>();
        for (int ns = 0; ns < NAMESPACES; ns++) {
            for (int app = 0; app < APPS; app++) {
                fleet.add(proxy(ProxyType.SIDECAR, ns, app));
            }
        }
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
        Map<ScopeTranslator.Inputs, ProxyIdentity> representative = new LinkedHashMap<>();
        for (ProxyIdentity p : fleet) {
            representative.putIfAbsent(ScopeTranslator.inputsOf(model, p), p);
        }
        int resources = 0;
        for (ProxyIdentity p : representative.values()) {
            resources += translator.translate(model, p).clusters().size();
        }
        return representative.size() * 1_000_000 + resources / representative.size();
    }

    /** Times each benchmark a few times without JMH (a quick look, and a target for a profiler). */
    public static void main(String[] args) throws Exception {
        ScopeTranslationBenchmark b = new ScopeTranslationBenchmark();
        long t0 = System.nanoTime();
        b.generate();
        System.out.printf("model: %d services, %d resources, %d ms%n", b.model.services().size(),
                b.model.resources().size(), (System.nanoTime() - t0) / 1_000_000);
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        for (int i = 0; i < rounds; i++) {
            long s = System.nanoTime();
            b.oneSidecar();
            long g = System.nanoTime();
            b.oneGrpc();
            long r = System.nanoTime();
            int scopes = b.revision() / 1_000_000;
            long e = System.nanoTime();
            System.out.printf("round %d: sidecar %d ms, grpc %d ms, revision (%d distinct inputs) %d ms%n", i,
                    (g - s) / 1_000_000, (r - g) / 1_000_000, scopes, (e - r) / 1_000_000);
        }
    }
}
