package io.strait.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyzeCommandTest {
    private static final String ENTRY = """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: postgres, namespace: data}
            spec:
              hosts: [pg.data.example]
              location: MESH_EXTERNAL
              resolution: DNS
              ports: [{number: 5432, name: postgres, protocol: TCP}]
            """;

    private static String run(int expectedExit, String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(Main.execute(args)).isEqualTo(expectedExit);
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMeshConfigFileAmongTheFilesIsTheMeshConfigNotAResource(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("se.yaml"), ENTRY);
        assertThat(run(0, "analyze", dir.resolve("se.yaml").toString()))
                .contains("Warning [IST0134] (ServiceEntry data/postgres").contains("ServiceEntry addresses are required for this protocol.");
        Files.writeString(dir.resolve("mesh.yaml"), """
                defaultConfig:
                  proxyMetadata: {ISTIO_META_DNS_CAPTURE: "true", ISTIO_META_DNS_AUTO_ALLOCATE: "true"}
                """);
        String out = run(0, "analyze", dir.toString());
        assertThat(out).contains("No validation issues found when analyzing 2 document(s).");
    }
}
