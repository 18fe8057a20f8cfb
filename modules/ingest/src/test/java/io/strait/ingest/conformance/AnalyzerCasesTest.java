package io.strait.ingest.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.ingest.analyze.AnalysisInput;
import io.strait.ingest.analyze.Analyzer;
import io.strait.ingest.analyze.Analyzers;
import io.strait.model.finding.Finding;
import io.strait.model.yaml.YamlDocument;
import io.strait.model.yaml.YamlReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Tables of {@code istioctl analyze} cases, one dynamic test per row, from {@code src/test/resources/analyze-cases/}.
 *
 * <p>Each {@code *.tsv} there has rows {@code case<TAB>analyzers<TAB>files<TAB>expected}: the case's name (Istio's,
 * where it mirrors a case of Istio's analyzer test), the Istio names of the analyzers it runs (comma-separated, as
 * {@link Analyzer#name()}), the input files analysed together (comma-separated), and the messages they must report —
 * exactly these, from those analyzers (semicolon-separated {@code CODE Kind [namespace/]name}; a bare name matches
 * any namespace; empty = none).
 *
 * <p>Tables named {@code own-*.tsv} name files beside them that we wrote, and run in every build. Tables named
 * {@code istio-*.tsv} name files of Istio's own analyzer test data ({@code pkg/config/analysis/analyzers/testdata}),
 * which is not part of this repository; they run when {@code -Dstrait.istio.analyzers=DIR} points at that folder
 * (see {@code docs/parity/analyzers.md} for the command), and are reported as skipped otherwise.
 */
class AnalyzerCasesTest {
    private static final Path TABLES = Path.of("src/test/resources/analyze-cases");
    private static final String ISTIO_TESTDATA = System.getProperty("strait.istio.analyzers", "");

    @TestFactory
    Stream<DynamicTest> everyRowReportsExactlyItsMessages() throws IOException {
        List<Path> tables;
        try (Stream<Path> s = Files.list(TABLES)) {
            tables = s.filter(p -> p.getFileName().toString().endsWith(".tsv")).sorted().toList();
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (Path table : tables) {
            String tableName = table.getFileName().toString();
            boolean istio = tableName.startsWith("istio-");
            Path base = istio ? (ISTIO_TESTDATA.isEmpty() ? null : Path.of(ISTIO_TESTDATA)) : TABLES;
            for (String row : Files.readAllLines(table)) {
                if (row.isBlank() || row.startsWith("#")) {
                    continue;
                }
                String[] cols = row.split("\t", -1);
                assertThat(cols.length).as("%s: row needs 3 or 4 tab-separated columns: %s", tableName, row).isBetween(3, 4);
                tests.add(DynamicTest.dynamicTest(tableName + ": " + cols[0], () -> {
                    Assumptions.assumeTrue(base != null, "Istio's analyzer test data not given (-Dstrait.istio.analyzers=DIR)");
                    check(base, cols);
                }));
            }
        }
        return tests.stream();
    }

    private static void check(Path base, String[] cols) throws Exception {
        List<String> names = List.of(cols[1].split("\\s*,\\s*"));
        List<Analyzer> analyzers = Analyzers.all().stream().filter(a -> names.contains(a.name())).toList();
        assertThat(analyzers.stream().map(Analyzer::name).distinct().count())
                .as("every analyzer the row names exists: %s", names).isEqualTo(names.size());
        List<YamlDocument> docs = new ArrayList<>();
        for (String f : cols[2].split("\\s*,\\s*")) {
            docs.addAll(YamlReader.read(f, Files.readString(base.resolve(f))));
        }
        List<String> expected = cols.length < 4 || cols[3].isBlank() ? List.of()
                : Stream.of(cols[3].split(";")).map(String::trim).toList();
        List<Finding> found = Analyzers.run(new AnalysisInput(docs), analyzers);
        List<String> unmatched = new ArrayList<>(found.stream().map(f -> f.code() + " " + f.resource()).toList());
        List<String> missing = new ArrayList<>();
        for (String e : expected) {
            int i = indexOf(unmatched, e);
            if (i < 0) {
                missing.add(e);
            } else {
                unmatched.remove(i);
            }
        }
        assertThat(missing).as("expected messages not reported (found: %s)",
                found.stream().map(Finding::describe).toList()).isEmpty();
        assertThat(unmatched).as("messages reported that the case does not expect (found: %s)",
                found.stream().map(Finding::describe).toList()).isEmpty();
    }

    /** "CODE Kind ns/name" matches "CODE Kind ns/name", and "CODE Kind name" any namespace (or none: a cluster-scoped kind). */
    static int indexOf(List<String> found, String expected) {
        String[] p = expected.split(" ", 3);
        for (int i = 0; i < found.size(); i++) {
            String[] f = found.get(i).split(" ", 3);
            boolean nameMatches = f[2].equals(p[2]) || !p[2].contains("/") && f[2].endsWith("/" + p[2]);
            if (f[0].equals(p[0]) && f[1].equals(p[1]) && nameMatches) {
                return i;
            }
        }
        return -1;
    }
}
