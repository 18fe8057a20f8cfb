package io.strait.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.model.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strait translate} on the sample mesh: what a sidecar and a proxyless gRPC client would receive, as Envoy's
 * proto JSON, with the retry policy and outbound traffic policy of a MeshConfig given by {@code --mesh-config}.
 */
class TranslateCommandTest {
    private static final String SAMPLE = "../../config-sources";
    private static final String SIDECAR = "sidecar~10.0.0.7~web-1.bookinfo~bookinfo.svc.cluster.local";
    private static final String MESH = """
            defaultHttpRetryPolicy: {attempts: 4, retryOn: "unavailable,503", perTryTimeout: 2s}
            outboundTrafficPolicy: {mode: REGISTRY_ONLY}
            """;

    private record Run(int exit, String out) {
        JsonNode json() throws Exception {
            return Json.MAPPER.readTree(out);
        }
    }

    private static Run run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int exit = Main.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }

    private static List<String> names(JsonNode list, String field) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }

    /** The route named {@code name} among every virtual host of every route configuration. */
    private static JsonNode route(JsonNode routes, String name) {
        for (JsonNode rc : routes) {
            for (JsonNode vh : rc.path("virtualHosts")) {
                for (JsonNode r : vh.path("routes")) {
                    if (name.equals(r.path("name").asText())) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no route " + name + " in " + routes);
    }

    @Test
    void aSidecarReceivesIstiosLayoutWithTheMeshConfigsPolicies(@TempDir Path dir) throws Exception {
        Path mesh = Files.writeString(dir.resolve("prod-mesh.yaml"), MESH);
        Run r = run("translate", SAMPLE, "--node", SIDECAR, "-l", "app=web,version=v1", "--mesh-config", mesh.toString());
        assertThat(r.exit()).isZero();
        JsonNode out = r.json();
        assertThat(out.fieldNames()).toIterable().containsExactly("listeners", "clusters", "routes", "endpoints");
        assertThat(names(out.get("listeners"), "name")).containsExactly("0.0.0.0_9080", "virtualInbound", "virtualOutbound");
        assertThat(names(out.get("clusters"), "name")).contains("outbound|9080|v2|reviews.bookinfo.svc.cluster.local",
                "outbound|9080||ratings.bookinfo.svc.cluster.local", "BlackHoleCluster");
        // the VirtualService's routes set no retries: they take the mesh.yaml's defaultHttpRetryPolicy
        JsonNode retry = route(out.get("routes"), "split").path("route").path("retryPolicy");
        assertThat(retry.path("numRetries").asInt()).isEqualTo(4);
        assertThat(retry.path("retryOn").asText()).isEqualTo("unavailable,retriable-status-codes");
        assertThat(retry.path("perTryTimeout").asText()).isEqualTo("2s");
        assertThat(retry.path("retriableStatusCodes").get(0).asInt()).isEqualTo(503);
        // REGISTRY_ONLY: what matches no service goes to the BlackHoleCluster
        assertThat(out.get("listeners").toString()).contains("\"cluster\":\"BlackHoleCluster\"");
        assertThat(out.get("endpoints").get(0).has("clusterName")).isTrue();
    }

    @Test
    void aProxylessGrpcClientReceivesAnApiListenerPerServicePort(@TempDir Path dir) throws Exception {
        Path mesh = Files.writeString(dir.resolve("mesh.yaml"), MESH);
        Run r = run("translate", SAMPLE, "--node", "sidecar~10.0.0.8~cli-1.bookinfo~bookinfo.svc.cluster.local",
                "--generator", "grpc", "--mesh-config", mesh.toString(), "--type", "routes");
        assertThat(r.exit()).isZero();
        JsonNode out = r.json();
        assertThat(out.fieldNames()).toIterable().containsExactly("routes");
        assertThat(names(out.get("routes"), "name")).containsExactly("ratings.bookinfo.svc.cluster.local:9080",
                "reviews.bookinfo.svc.cluster.local:9080");
        assertThat(route(out.get("routes"), "jason").path("route").path("retryPolicy").path("numRetries").asInt()).isEqualTo(4);
        // the node metadata form names the same client
        Run listeners = run("translate", SAMPLE, "--node", "sidecar~10.0.0.8~cli-1.bookinfo~bookinfo.svc.cluster.local",
                "--meta", "GENERATOR=grpc", "--type", "listeners");
        assertThat(names(listeners.json().get("listeners"), "name")).containsExactly(
                "ratings.bookinfo.svc.cluster.local:9080", "reviews.bookinfo.svc.cluster.local:9080");
        // without a MeshConfig, Istio's default retries
        Run defaults = run("translate", SAMPLE, "--node", "sidecar~10.0.0.8~cli-1.bookinfo~bookinfo.svc.cluster.local",
                "--generator", "grpc", "--type", "routes", "-o", "yaml");
        assertThat(defaults.out()).contains("numRetries: 2").doesNotContain("{");
    }

    @Test
    void invalidConfigPrintsItsErrorsAsValidateDoesAndExitsOne(@TempDir Path dir) throws Exception {
        Path mesh = Files.writeString(dir.resolve("mesh.yaml"), "defaultHttpRetryPolicy: {attempts: 2, retryOn: sometimes}\n");
        Run r = run("translate", SAMPLE, "--node", SIDECAR, "--mesh-config", mesh.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains(mesh + ":1: MeshConfig mesh: defaultHttpRetryPolicy.retryOn: \"sometimes\" is not a valid retryOn policy")
                .contains("1 error(s)");
        assertThat(run("translate", SAMPLE, "--node", "web-1").exit()).isEqualTo(2);
        assertThat(run("translate", SAMPLE, "--node", SIDECAR, "--type", "clusterz").exit()).isEqualTo(2);
    }
}
