package io.strait.translate.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.revision.RevisionBuilder;
import io.strait.ingest.revision.RevisionOutcome;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.translate.xds.XdsResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Istio's Bookinfo samples, read in place from {@code ../shared/conformance/istio/samples}: each, with the Bookinfo
 * services ({@code samples/bookinfo-services.yaml}) and, for the routing samples, the subsets of
 * {@code destination-rule-all.yaml}, is accepted by ingest and translates for an Envoy sidecar
 * (productpage's), a proxyless gRPC client and an ingress gateway into resources that keep every
 * {@link XdsConsistency} promise. The gateway samples give the gateway a listener on their port.
 */
class BookinfoSamplesTest {
    private static final Path SAMPLES = Path.of("../../../shared/conformance/istio/samples");
    private static final Path SERVICES = Path.of("src/test/resources/samples/bookinfo-services.yaml");

    @TestFactory
    Stream<DynamicTest> everySampleTranslatesForEveryProxyKind() throws Exception {
        List<Path> samples;
        try (Stream<Path> files = Files.list(SAMPLES)) {
            samples = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(samples).as("samples at %s", SAMPLES.toAbsolutePath()).isNotEmpty();
        return samples.stream().map(sample -> DynamicTest.dynamicTest(sample.getFileName().toString(), () -> check(sample)));
    }

    private void check(Path sample) throws Exception {
        Map<String, String> files = new java.util.HashMap<>();
        files.put("bookinfo-services.yaml", Files.readString(SERVICES));
        if (!Files.readString(sample).contains("kind: DestinationRule")) {
            // as Bookinfo's guide has it: the subsets come first (destination-rule-all.yaml), then the routes
            files.put("destination-rule-all.yaml", Files.readString(SAMPLES.resolve("destination-rule-all.yaml")));
        }
        files.put(sample.getFileName().toString(), Files.readString(sample));
        RevisionOutcome outcome = new RevisionBuilder().build("samples", null, ConfigLoader.parse(files));
        assertThat(outcome).as("%s is accepted: %s", sample.getFileName(), outcome).isInstanceOf(RevisionOutcome.Accepted.class);
        MeshModel model = MeshModel.of(((RevisionOutcome.Accepted) outcome).revision().resources().values().stream()
                .map(e -> e.resource()).toList());
        for (ProxyIdentity proxy : List.of(
                ProxyIdentity.of("sidecar~10.0.0.1~productpage-v1.default~default.svc.cluster.local", Map.of(),
                        Map.of("app", "productpage", "version", "v1")),
                ProxyIdentity.of("sidecar~10.0.0.1~productpage-v1.default~default.svc.cluster.local",
                        Map.of("GENERATOR", "grpc"), Map.of("app", "productpage")),
                ProxyIdentity.of("router~10.1.0.9~ingress-1.istio-system~istio-system.svc.cluster.local", Map.of(),
                        Map.of("istio", "ingressgateway")))) {
            XdsResources out = new ScopeTranslator().translate(model, proxy);
            XdsConsistency.check(out);
            assertThat(out.clusters()).as("clusters of %s for %s", sample.getFileName(), proxy.type()).isNotEmpty();
        }
        String text = Files.readString(sample);
        if (text.contains("kind: Gateway")) {
            XdsResources gateway = new ScopeTranslator().translate(model, ProxyIdentity.of(
                    "router~10.1.0.9~ingress-1.istio-system~istio-system.svc.cluster.local", Map.of(), Map.of("istio", "ingressgateway")));
            assertThat(gateway.listeners()).as("gateway listeners of %s", sample.getFileName()).isNotEmpty();
            assertThat(gateway.routes().get(0).getVirtualHosts(0).getRoutesList()).isNotEmpty();
        }
    }
}
