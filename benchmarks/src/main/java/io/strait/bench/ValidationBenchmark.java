package io.strait.bench;

import io.strait.ingest.validate.DocumentValidator;
import io.strait.model.finding.Finding;
import io.strait.model.yaml.YamlDocument;
import io.strait.model.yaml.YamlReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Validation of the 50 largest documents of Istio's conformance corpus (validation cases, samples, analyzer
 * inputs): read each from its YAML text, check it against the schema and its kind's rules. One operation is the
 * 50 documents, so the time per 1,000 documents is the score × 20.
 *
 * <p>Run from the repository root: see README.md, "Benchmarks".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ValidationBenchmark {
    static final int DOCUMENTS = 50;

    private final DocumentValidator validator = new DocumentValidator();
    private List<String[]> largest;

    @Setup
    public void load() throws Exception {
        Path root = Path.of(System.getProperty("strait.corpus", "../shared/conformance/istio"));
        List<String[]> docs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                for (String text : Files.readString(f).split("(?m)^---\\s*$")) {
                    if (!YamlReader.read(f.getFileName().toString(), text).isEmpty()) {
                        docs.add(new String[] {f.getFileName().toString(), text});
                    }
                }
            }
        }
        docs.sort(Comparator.comparingInt((String[] d) -> d[1].length()).reversed());
        largest = docs.subList(0, Math.min(DOCUMENTS, docs.size()));
        if (largest.size() < DOCUMENTS) {
            throw new IllegalStateException("the corpus at " + root.toAbsolutePath() + " has only " + largest.size() + " documents");
        }
    }

    /** Reads and validates the 50 documents; returns the error count so the work cannot be optimized away. */
    @Benchmark
    public int validateFiftyLargest() throws Exception {
        int errors = 0;
        for (String[] d : largest) {
            for (YamlDocument doc : YamlReader.read(d[0], d[1])) {
                for (Finding f : validator.check(doc)) {
                    if (f.isError()) {
                        errors++;
                    }
                }
            }
        }
        return errors;
    }
}
