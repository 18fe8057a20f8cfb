package io.strait.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strait analyze} reads a MeshConfig as istioctl does: by {@code --meshConfigFile}, or a kind-less document. */
class AnalyzeMeshConfigTest {
    private static final String TELEMETRY = """
            apiVersion: telemetry.istio.io/v1
            kind: Telemetry
            metadata: {name: mesh-default, namespace: istio-system}
            spec:
              tracing: [{providers: [{name: ls}]}]
            """;
    private static final String MESH = """
            extensionProviders:
            - name: ls
              lightstep: {service: lightstep.tracing.svc.cluster.local, port: 8080, accessToken: t}
            """;

    private static String run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            Main.execute(args);
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMeshConfigFileGivesTheProvidersTelemetriesName(@TempDir Path dir) throws Exception {
        Path telemetry = Files.writeString(dir.resolve("telemetry.yaml"), TELEMETRY);
        Path mesh = Files.writeString(dir.resolve("mesh.yaml"), MESH);
        assertThat(run("analyze", "--meshConfigFile", mesh.toString(), telemetry.toString()))
                .contains("[IST0002] (Telemetry istio-system/mesh-default")
                .contains("The Lightstep provider ls is deprecated");
        assertThat(run("analyze", telemetry.toString())).doesNotContain("IST0002");
    }

    @Test
    void aKindlessMeshConfigAmongTheFilesIsReadNotRejected(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("telemetry.yaml"), TELEMETRY);
        Files.writeString(dir.resolve("mesh.yaml"), MESH);
        assertThat(run("analyze", dir.toString())).contains("[IST0002]").doesNotContain("apiVersion and kind are required");
    }

    @Test
    void meshConfigIsAnAliasAndAnInvalidMeshConfigIsReported(@TempDir Path dir) throws Exception {
        Path telemetry = Files.writeString(dir.resolve("telemetry.yaml"), TELEMETRY);
        Path mesh = Files.writeString(dir.resolve("prod.yaml"), MESH);
        assertThat(run("analyze", "--mesh-config", mesh.toString(), telemetry.toString())).contains("[IST0002]");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), MESH + "trustDomain: Not_A_Domain\n");
        assertThat(run("analyze", "--mesh-config", bad.toString(), telemetry.toString()))
                .contains("[IST0106] (MeshConfig mesh " + bad + ":4) trustDomain: trustDomain: trust domain name \"Not_A_Domain\" invalid")
                .contains("[IST0002]");
    }
}
