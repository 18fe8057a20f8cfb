package io.strait.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated meshes' revision streams: the growing one adds objects, the steady one only changes them. */
class MeshGeneratorTest {
    private static final Pattern SUBSET = Pattern.compile("- \\{name: ([a-z0-9-]+), labels");

    /** Every subset name of every DestinationRule in the folder, and the file count, as one list. */
    private static List<String> subsets(Path dir) throws Exception {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir).sorted()) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = SUBSET.matcher(Files.readString(f));
                while (m.find()) {
                    names.add(f.getFileName() + ":" + m.group(1));
                }
            }
        }
        return names;
    }

    private static long files(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    @Test
    void aSteadyMeshShiftsWeightsAndFlipsThirdSubsetsBackAndForthWithoutGrowing(@TempDir Path dir) throws Exception {
        MeshGenerator mesh = new MeshGenerator(dir, 2, 1, true);
        mesh.writeAll();
        assertThat(mesh.clustersPerService()).isEqualTo(4);
        assertThat(subsets(dir)).containsExactly("svc-0.yaml:v1", "svc-0.yaml:v2", "svc-0.yaml:flip-a",
                "svc-1.yaml:v1", "svc-1.yaml:v2", "svc-1.yaml:flip-a");

        List<String> kinds = new ArrayList<>();
        List<String> expects = new ArrayList<>();
        for (int n = 0; n < 8; n++) {
            MeshGenerator.Change change = mesh.configChange(n);
            mesh.flush(change);
            kinds.add(mesh.kind(n));
            expects.add(change.expect());
            assertThat(files(dir)).as("no object added").isEqualTo(2);
            assertThat(subsets(dir)).as("three subsets each").hasSize(6);
        }
        assertThat(kinds).containsExactly("weights", "flip", "weights", "flip", "weights", "flip", "weights", "flip");
        // service 1 flips at revisions 1, 3, 5, 7: to flip-b, back to flip-a, and again
        assertThat(List.of(expects.get(1), expects.get(3), expects.get(5), expects.get(7))).containsExactly(
                "outbound|8080|flip-b|svc-1.ns-0.svc.cluster.local", "outbound|8080|flip-a|svc-1.ns-0.svc.cluster.local",
                "outbound|8080|flip-b|svc-1.ns-0.svc.cluster.local", "outbound|8080|flip-a|svc-1.ns-0.svc.cluster.local");
        assertThat(subsets(dir)).contains("svc-1.yaml:flip-a").doesNotContain("svc-1.yaml:flip-b");
        // service 0's weights move on each shift, never to the weight they had
        assertThat(expects.get(0)).isEqualTo("outbound|8080|v1|svc-0.ns-0.svc.cluster.local=98");
        assertThat(Files.readString(dir.resolve("svc-0.yaml"))).contains("subset: v1}, weight: ");
    }

    @Test
    void theGrowingMeshAddsASubsetAndAServiceAsBefore(@TempDir Path dir) throws Exception {
        MeshGenerator mesh = new MeshGenerator(dir, 2, 1);
        mesh.writeAll();
        assertThat(mesh.clustersPerService()).isEqualTo(3);
        for (int n = 0; n < 3; n++) {
            mesh.flush(mesh.configChange(n));
            assertThat(mesh.kind(n)).isEqualTo(MeshGenerator.kindOf(n));
        }
        assertThat(files(dir)).isEqualTo(3);
        assertThat(subsets(dir)).contains("svc-0.yaml:r0").hasSize(3 + 2 + 2);
    }
}
