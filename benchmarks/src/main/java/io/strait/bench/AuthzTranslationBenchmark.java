package io.strait.bench;

import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadedResource;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.translate.pilot.ScopeTranslator;
import io.strait.translate.xds.XdsResources;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Translation of one Envoy sidecar scope ({@code app-0} in {@code ns-0}) in the {@link AuthzMesh}: 50 namespaces,
 * 200 workloads and 1,000 AuthorizationPolicies ({@link #withPolicies}), against the same mesh without the policies
 * ({@link #withoutPolicies}) in the same run: the ratio is the cost of authorization. The scope's inbound listener
 * carries the RBAC filters of the 18 policies that select it (4 on its workload, 4 namespace-wide, 10 from the root
 * namespace); the model is built once, as the translator builds it once per revision for all its scopes.
 *
 * <p>Run from the repository root: see BENCHMARKS.md, "Authorization: translation cost".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AuthzTranslationBenchmark {
    private final ScopeTranslator translator = new ScopeTranslator();
    private final ProxyIdentity scope = AuthzMesh.sidecar(0, 0);
    private MeshModel policies;
    private MeshModel none;

    @Setup
    public void generate() throws Exception {
        Path bare = Files.createTempDirectory("strait-authz-bare");
        new AuthzMesh(bare).writeServices();
        Path full = Files.createTempDirectory("strait-authz-full");
        AuthzMesh mesh = new AuthzMesh(full);
        mesh.writeServices();
        mesh.writePolicies();
        none = load(bare);
        policies = load(full);
        int applied = policies.authorizationPoliciesFor(scope.namespace(), scope.labels()).size();
        if (applied != 18) {
            throw new IllegalStateException("the scope should be selected by 18 policies, not " + applied);
        }
    }

    static MeshModel load(Path dir) throws Exception {
        var loaded = ConfigLoader.load(dir);
        return MeshModel.of(loaded.resources().stream().map(LoadedResource::resource).toList());
    }

    /** One scope of the mesh with 1,000 AuthorizationPolicies. */
    @Benchmark
    public XdsResources withPolicies() {
        return translator.translate(policies, scope);
    }

    /** The same scope of the same mesh without any AuthorizationPolicy: the baseline. */
    @Benchmark
    public XdsResources withoutPolicies() {
        return translator.translate(none, scope);
    }
}
