package io.strait.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

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
    void aTenMegabyteGarbageFileEndsInAClearError(@TempDir Path dir) throws Exception {
        byte[] garbage = new byte[10 * 1024 * 1024];
        new Random(7).nextBytes(garbage);
        Path file = dir.resolve("garbage.yaml");
        Files.write(file, garbage);
        String out = run(1, "validate", file.toString());
        assertThat(out).contains(file + ":0: file is larger than 8 MiB; split it").contains("1 error(s)");
    }

    @Test
    void largeTextGarbageIsASyntaxErrorWithItsLine(@TempDir Path dir) throws Exception {
        StringBuilder text = new StringBuilder("apiVersion: networking.istio.io/v1\nkind: VirtualService\n");
        Random random = new Random(11);
        String alphabet = "ab: -[]{},'\"\n\t&*!|>%@";
        while (text.length() < 6 * 1024 * 1024) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        Path file = dir.resolve("text.yaml");
        Files.writeString(file, text);
        String out = run(1, "validate", file.toString());
        assertThat(out).containsPattern("text\\.yaml:\\d+: .+").contains("error(s)");
    }

    @Test
    void theSampleMeshIsValidAndJsonNamesEachDocument() {
        String out = run(0, "validate", "-o", "json", "../../config-sources");
        assertThat(out).contains("\"kind\":\"VirtualService\"").contains("\"valid\":true").doesNotContain("\"valid\":false");
    }

    @Test
    void aFoldersMeshYamlIsValidatedAsTheMeshConfig(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("mesh.yaml"), "rootNamespace: mesh-root\noutboundTrafficPolicy: {mode: REGISTRY_ONLY}\n");
        String out = run(0, "validate", "-o", "json", dir.toString());
        assertThat(out).contains("\"kind\":\"MeshConfig\"").contains("\"valid\":true");
        Files.writeString(dir.resolve("mesh.yaml"), "outboundTrafficPolicy: {mode: DENY}\n");
        assertThat(run(1, "validate", dir.toString())).contains(dir.resolve("mesh.yaml") + ":1: MeshConfig mesh: outboundTrafficPolicy.mode: Unsupported value");
    }
}
