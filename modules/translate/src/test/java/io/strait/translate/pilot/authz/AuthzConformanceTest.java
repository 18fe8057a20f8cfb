package io.strait.translate.pilot.authz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.revision.RevisionBuilder;
import io.strait.ingest.revision.RevisionOutcome;
import io.strait.model.istio.MeshConfig;
import io.strait.model.mesh.MeshModel;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.model.yaml.YamlReader;
import io.strait.translate.pilot.ScopeTranslator;
import io.strait.translate.xds.XdsJson;
import io.strait.translate.xds.XdsResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Conformance with Istio's own AuthorizationPolicy translator test ({@code builder_test.go}): every case of
 * {@code ../shared/conformance/istio/authz/cases.tsv}, read in place, is validated as ingest would (with
 * {@code registry.yaml}, and the case's mesh config as the source's {@code mesh.yaml}), translated by
 * {@link ScopeTranslator} for the case's sidecar (what {@code strait translate} prints), and the RBAC and ext_authz
 * filters of every inbound chain of the case's port must equal Istio's out files as protobuf messages (maps in
 * any order, lists in order, {@code Any} payloads by their messages). No case is skipped.
 */
class AuthzConformanceTest {
    private static final Path DIR = Path.of("../../../shared/conformance/istio/authz");
    private static final ProxyIdentity PROXY = ProxyIdentity.of("sidecar~10.0.0.1~httpbin-v1.foo~foo.svc.cluster.local",
            Map.of(), Map.of("app", "httpbin", "version", "v1"));
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().usingTypeRegistry(XdsJson.TYPES);
    private static final AtomicInteger PASSED = new AtomicInteger();
    private static int cases;

    @TestFactory
    Stream<DynamicTest> everyCaseEqualsIstiosFilters() throws Exception {
        List<String[]> rows = Files.readAllLines(DIR.resolve("cases.tsv")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split("\t")).toList();
        cases = rows.size();
        assertThat(rows).isNotEmpty();
        return rows.stream().map(row -> DynamicTest.dynamicTest(row[0], () -> check(row)));
    }

    @AfterAll
    static void count() {
        System.out.println("AuthzConformanceTest: " + PASSED.get() + " of " + cases + " Istio authz builder cases pass, none skipped");
    }

    private void check(String[] row) throws Exception {
        assertThat(row).as("cases.tsv row").hasSize(5);
        String kind = row[1];
        Map<String, String> files = new TreeMap<>();
        files.put("registry.yaml", Files.readString(DIR.resolve("registry.yaml")));
        files.put("policies.yaml", Files.readString(DIR.resolve(kind).resolve(row[2])));
        if (!row[3].equals("-")) {
            files.put(MeshConfig.FILE_NAME, Files.readString(DIR.resolve("mesh").resolve(row[3])));
        }
        RevisionOutcome outcome = new RevisionBuilder().build("authz", null, ConfigLoader.parse(files));
        assertThat(outcome).as("the case's input must be valid: %s", outcome).isInstanceOf(RevisionOutcome.Accepted.class);
        MeshModel model = MeshModel.of(((RevisionOutcome.Accepted) outcome).revision().resources().values().stream()
                .map(e -> e.resource()).toList());
        XdsResources out = new ScopeTranslator().translate(model, PROXY);

        List<Message> expected = new ArrayList<>();
        if (!row[4].equals("-")) {
            for (String f : row[4].split(",")) {
                expected.add(parse(kind, Files.readString(DIR.resolve(kind).resolve(f)), f));
            }
        }
        int port = kind.equals("http") ? 8000 : 9000;
        Listener inbound = out.listeners().stream().filter(l -> l.getName().equals("virtualInbound")).findFirst().orElseThrow();
        List<FilterChain> chains = inbound.getFilterChainsList().stream()
                .filter(c -> c.getFilterChainMatch().getDestinationPort().getValue() == port).toList();
        assertThat(chains).as("inbound chains of port %d", port).isNotEmpty();
        ProtoEquality eq = new ProtoEquality(XdsJson.TYPES);
        for (FilterChain chain : chains) {
            List<Message> actual = kind.equals("http") ? httpAuthz(chain) : networkAuthz(chain);
            assertThat(actual).as("%s: authz filters of chain %s", row[0], chain.getName()).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                String diff = eq.difference(actual.get(i), expected.get(i), "filter[" + i + "]");
                assertThat(diff).as("%s chain %s: %s differs from Istio's %s\nactual: %s", row[0], chain.getName(),
                        "filter[" + i + "]", row[4].split(",")[i], XdsJson.print(actual.get(i))).isNull();
            }
        }
        PASSED.incrementAndGet();
    }

    private static Message parse(String kind, String yaml, String file) throws Exception {
        JsonNode tree = YamlReader.read(file, yaml).get(0).tree();
        Message.Builder b = kind.equals("http") ? HttpFilter.newBuilder() : Filter.newBuilder();
        PARSER.merge(tree.toString(), b);
        return b.build();
    }

    private static List<Message> httpAuthz(FilterChain chain) throws Exception {
        List<Message> out = new ArrayList<>();
        for (Filter f : chain.getFiltersList()) {
            Any cfg = f.getTypedConfig();
            if (cfg.is(HttpConnectionManager.class)) {
                for (HttpFilter h : cfg.unpack(HttpConnectionManager.class).getHttpFiltersList()) {
                    if (h.getName().startsWith("envoy.filters.http.rbac") || h.getName().equals("envoy.filters.http.ext_authz")) {
                        out.add(h);
                    }
                }
            }
        }
        return out;
    }

    private static List<Message> networkAuthz(FilterChain chain) {
        return chain.getFiltersList().stream().filter(f -> f.getName().equals("envoy.filters.network.rbac")
                || f.getName().equals("envoy.filters.network.ext_authz")).map(f -> (Message) f).toList();
    }
}
