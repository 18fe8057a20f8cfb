package io.strait.translate.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.model.istio.IstioResource;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.model.proxy.ProxyType;
import io.strait.translate.xds.XdsResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Sharing one translation between namespaces never changes what any proxy receives: over every golden input and
 * every Bookinfo sample of {@code ../shared/conformance/istio/samples}, for proxies of each kind (SIDECAR, GRPC,
 * ROUTER) with several label sets in every namespace the model names and in two it does not, each proxy's own
 * translation is byte for byte the translation of the first proxy with the same {@link ScopeTranslator#inputsOf}
 * — the one the translator computes and serves to all of them.
 */
class NamespaceSharingConformanceTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final Path SAMPLES = Path.of("../../../shared/conformance/istio/samples");
    private static final Path BOOKINFO = Path.of("src/test/resources/samples/bookinfo-services.yaml");
    private static final List<Map<String, String>> LABELS = List.of(Map.of(), Map.of("app", "client"),
            Map.of("app", "productpage", "version", "v1"), Map.of("istio", "ingressgateway"),
            Map.of("app", "client", "security.istio.io/tlsMode", "istio"));

    @TestFactory
    Stream<DynamicTest> sharingNeverChangesAProxysConfig() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(GOLDEN)) {
            for (Path in : files.filter(p -> p.getFileName().toString().endsWith(".in.yaml")).sorted().toList()) {
                tests.add(DynamicTest.dynamicTest("golden " + in.getFileName(), () -> {
                    String name = in.getFileName().toString().replace(".in.yaml", "");
                    Map<String, String> sources = new java.util.TreeMap<>(Map.of(in.getFileName().toString(), Files.readString(in)));
                    Path mesh = GOLDEN.resolve(name + ".mesh.yaml");
                    if (Files.exists(mesh)) {
                        sources.put(io.strait.model.istio.MeshConfig.FILE_NAME, Files.readString(mesh));
                    }
                    checkSharing(GoldenFilesTest.model(sources));
                }));
            }
        }
        try (Stream<Path> files = Files.list(SAMPLES)) {
            for (Path sample : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                tests.add(DynamicTest.dynamicTest("sample " + sample.getFileName(), () -> {
                    Map<String, String> sources = new java.util.HashMap<>();
                    sources.put("bookinfo-services.yaml", Files.readString(BOOKINFO));
                    if (!Files.readString(sample).contains("kind: DestinationRule")) {
                        sources.put("destination-rule-all.yaml", Files.readString(SAMPLES.resolve("destination-rule-all.yaml")));
                    }
                    sources.put(sample.getFileName().toString(), Files.readString(sample));
                    checkSharing(GoldenFilesTest.model(sources));
                }));
            }
        }
        assertThat(tests).hasSizeGreaterThan(40);
        return tests.stream();
    }

    /** Every proxy's translation equals its representative's, for each kind, label set and namespace. */
    static int checkSharing(MeshModel model) {
        SortedSet<String> namespaces = new TreeSet<>(List.of("plain-a", "plain-b", "default", "istio-system"));
        model.resources().stream().map(IstioResource::namespace).forEach(namespaces::add);
        model.services().forEach(s -> namespaces.add(s.namespace()));
        ScopeTranslator translator = new ScopeTranslator();
        int shared = 0;
        for (ProxyType type : ProxyType.values()) {
            for (Map<String, String> labels : LABELS) {
                Map<ScopeTranslator.Inputs, ProxyIdentity> representative = new LinkedHashMap<>();
                Map<ScopeTranslator.Inputs, XdsResources> translated = new LinkedHashMap<>();
                for (String ns : namespaces) {
                    ProxyIdentity proxy = proxy(type, ns, labels);
                    ScopeTranslator.Inputs inputs = ScopeTranslator.inputsOf(model, proxy);
                    XdsResources own = translator.translate(model, proxy);
                    ProxyIdentity first = representative.putIfAbsent(inputs, proxy);
                    if (first == null) {
                        translated.put(inputs, own);
                        continue;
                    }
                    shared++;
                    assertSameResources(own, translated.get(inputs),
                            type + " " + labels + " in " + ns + " served " + first.namespace() + "'s translation");
                }
            }
        }
        return shared;
    }

    static ProxyIdentity proxy(ProxyType type, String namespace, Map<String, String> labels) {
        String kind = type == ProxyType.ROUTER ? "router" : "sidecar";
        Map<String, String> metadata = type == ProxyType.GRPC ? Map.of("GENERATOR", "grpc") : Map.of();
        return ProxyIdentity.of(kind + "~10.1.0.7~w-1." + namespace + "~" + namespace + ".svc.cluster.local",
                metadata, labels);
    }

    /** Resource by resource, type by type: the same resources in the same order, printed and as bytes. */
    static void assertSameResources(XdsResources actual, XdsResources expected, String what) {
        assertThat(printed(actual.clusters())).as("clusters: %s", what).isEqualTo(printed(expected.clusters()));
        assertThat(printed(actual.endpoints())).as("endpoints: %s", what).isEqualTo(printed(expected.endpoints()));
        assertThat(printed(actual.listeners())).as("listeners: %s", what).isEqualTo(printed(expected.listeners()));
        assertThat(printed(actual.routes())).as("routes: %s", what).isEqualTo(printed(expected.routes()));
        assertThat(hashes(actual)).as("bytes: %s", what).isEqualTo(hashes(expected));
    }

    private static List<String> printed(List<? extends com.google.protobuf.Message> resources) {
        return resources.stream().map(io.strait.translate.xds.XdsJson::print).toList();
    }

    private static List<String> hashes(XdsResources resources) {
        return Stream.of(resources.clusters(), resources.endpoints(), resources.listeners(), resources.routes())
                .flatMap(List::stream).map(m -> io.strait.bus.wire.ContentHash.of(io.strait.bus.wire.ContentHash.serialize(m)))
                .toList();
    }
}
