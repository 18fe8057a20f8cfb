package io.strait.translate.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.revision.RevisionBuilder;
import io.strait.ingest.revision.RevisionOutcome;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.translate.xds.XdsResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files: each {@code golden/<case>.in.yaml} is validated as ingest would, translated for a proxy of the
 * kind its name starts with ({@code grpc-}, {@code sidecar-}, {@code gateway-}), checked by {@link XdsConsistency},
 * and compared per type with
 * {@code <case>.<clusters|endpoints|listeners|routes>.json}. A {@code <case>.mesh.yaml} beside the input is the
 * source's {@code mesh.yaml}: the case's MeshConfig.
 *
 * <p>Regenerate after an intended change with {@code ./mvnw -pl modules/translate test -Dstrait.golden.update=true},
 * then review the diff.
 */
class GoldenFilesTest {
    private static final Path DIR = Path.of("src/test/resources/golden");
    private static final boolean UPDATE = Boolean.getBoolean("strait.golden.update");
    @TestFactory
    Stream<DynamicTest> everyCaseMatchesItsGoldenFiles() throws IOException {
        List<Path> inputs;
        try (Stream<Path> files = Files.list(DIR)) {
            inputs = files.filter(p -> p.getFileName().toString().endsWith(".in.yaml")).sorted().toList();
        }
        assertThat(inputs).isNotEmpty();
        return inputs.stream().map(in -> DynamicTest.dynamicTest(in.getFileName().toString(), () -> check(in)));
    }

    private void check(Path in) throws IOException {
        String name = in.getFileName().toString().replace(".in.yaml", "");
        Map<String, String> files = new java.util.TreeMap<>(Map.of(in.getFileName().toString(), Files.readString(in)));
        Path mesh = DIR.resolve(name + ".mesh.yaml");
        if (Files.exists(mesh)) {
            files.put(io.strait.model.istio.MeshConfig.FILE_NAME, Files.readString(mesh)); // the source root's mesh.yaml
        }
        MeshModel model = model(files);
        XdsResources out = new ScopeTranslator().translate(model, proxyFor(name));
        XdsConsistency.check(out);
        compare(DIR, name + ".clusters.json", out.clusters());
        compare(DIR, name + ".endpoints.json", out.endpoints());
        compare(DIR, name + ".listeners.json", out.listeners());
        compare(DIR, name + ".routes.json", out.routes());
    }

    /** The model of a source's files ({@code mesh.yaml} among them for its MeshConfig), validated as ingest would. */
    static MeshModel model(Map<String, String> files) {
        LoadResult loaded = ConfigLoader.parse(files);
        RevisionOutcome outcome = new RevisionBuilder().build("golden", null, loaded);
        assertThat(outcome).as("golden input must be valid: %s", outcome).isInstanceOf(RevisionOutcome.Accepted.class);
        return MeshModel.of(((RevisionOutcome.Accepted) outcome).revision().resources().values().stream()
                .map(e -> e.resource()).toList());
    }

    /**
     * The proxy a case is translated for, by the case name's prefix: {@code grpc-} a proxyless client,
     * {@code gateway-} an ingress gateway ({@code istio: ingressgateway}), else an Envoy sidecar; the clients are
     * {@code app: client} in namespace shop, and in locality eu-west/a for cases ending in {@code -locality}.
     */
    static ProxyIdentity proxyFor(String caseName) {
        if (caseName.startsWith("gateway-")) {
            return ProxyIdentity.of("router~10.1.0.9~ingress-1.istio-system~istio-system.svc.cluster.local", Map.of(),
                    Map.of("istio", "ingressgateway"));
        }
        Map<String, String> metadata = caseName.startsWith("grpc-") ? Map.of("GENERATOR", "grpc") : Map.of();
        return ProxyIdentity.of("sidecar~10.1.0.7~client-1.shop~shop.svc.cluster.local", metadata, Map.of("app", "client"))
                .withLocality(caseName.endsWith("-locality") ? "eu-west/a" : "");
    }

    /** Compares resources with the golden file {@code dir/file}, or rewrites it with {@code -Dstrait.golden.update=true}. */
    static void compare(Path dir, String file, List<? extends Message> resources) throws IOException {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < resources.size(); i++) {
            sb.append(i == 0 ? "\n" : ",\n").append(print(resources.get(i)));
        }
        String actual = sb.append(resources.isEmpty() ? "]\n" : "\n]\n").toString();
        Path golden = dir.resolve(file);
        if (UPDATE) {
            Files.writeString(golden, actual);
        }
        assertThat(golden).as("golden file %s is missing; run with -Dstrait.golden.update=true", file).exists();
        assertThat(actual).as("output differs from %s (regenerate with -Dstrait.golden.update=true and review the diff)", file)
                .isEqualTo(Files.readString(golden));
    }

    private static String print(Message m) {
        return io.strait.translate.xds.XdsJson.print(m);
    }
}
