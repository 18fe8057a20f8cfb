package io.strait.ingest.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strait.ingest.validate.DocumentValidator;
import io.strait.model.finding.Finding;
import io.strait.model.yaml.YamlDocument;
import io.strait.model.yaml.YamlReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Istio's own CRD validation cases ({@code ../shared/conformance/istio/validation}) and Bookinfo samples, read in
 * place: every document of a {@code -valid} file and of the samples is accepted; every document of an
 * {@code -invalid} file is rejected, and where its {@code _err} names a field path the error names that path.
 */
class IstioValidationConformanceTest {
    static final Path CORPUS = Path.of("../../../shared/conformance/istio");
    private static final Pattern ERR_PATH = Pattern.compile("^(spec(?:[.\\[][^:\\s]*)?)(?::|\\s+in body)");
    private final DocumentValidator validator = new DocumentValidator();

    @Test
    void everyValidationCaseIsJudgedAsIstioJudgesIt() throws Exception {
        List<String> failures = new ArrayList<>();
        int valid = 0;
        int invalid = 0;
        int pathsChecked = 0;
        int messagesChecked = 0;
        List<Path> files;
        try (Stream<Path> s = Files.list(CORPUS.resolve("validation"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).as("conformance corpus at %s", CORPUS.toAbsolutePath()).isNotEmpty();
        for (Path file : files) {
            boolean expectValid = file.getFileName().toString().endsWith("-valid.yaml");
            for (YamlDocument doc : YamlReader.read(file.getFileName().toString(), Files.readString(file))) {
                String err = doc.tree().path("_err").asText(null);
                YamlDocument clean = withoutErr(doc);
                List<Finding> errors = validator.check(clean).stream().filter(Finding::isError).toList();
                String name = file.getFileName() + " " + doc.tree().path("metadata").path("name").asText() + " (line " + doc.start().line() + ")";
                if (expectValid) {
                    valid++;
                    if (!errors.isEmpty()) {
                        failures.add("should be valid: " + name + ": " + errors.stream().map(Finding::describe).toList());
                    }
                } else {
                    invalid++;
                    if (errors.isEmpty()) {
                        failures.add("should be rejected (" + err + "): " + name);
                        continue;
                    }
                    Matcher m = err == null ? null : ERR_PATH.matcher(err);
                    if (m != null && m.find()) {
                        pathsChecked++;
                        String path = m.group(1);
                        if (errors.stream().noneMatch(f -> path.equals(f.field()))) {
                            failures.add("should name " + path + " (" + err + "): " + name + ": " + errors.stream().map(Finding::describe).toList());
                        }
                    } else if (err != null) {
                        // no path to compare: the reason must be Istio's (its wording, as a substring of ours)
                        messagesChecked++;
                        String reason = err.replaceAll("^[\\w.\\[\\]]+ in body ", "").trim();
                        if (errors.stream().noneMatch(f -> f.describe().contains(reason))) {
                            failures.add("should say \"" + reason + "\": " + name + ": " + errors.stream().map(Finding::describe).toList());
                        }
                    }
                }
            }
        }
        System.out.printf("Istio validation corpus: %d valid and %d invalid documents (%d matched by field path, %d by message);"
                + " %d disagreements%n", valid, invalid, pathsChecked, messagesChecked, failures.size());
        failures.forEach(f -> System.out.println("  " + f));
        assertThat(failures).isEmpty();
    }

    @Test
    void everyBookinfoSampleIsAccepted() throws Exception {
        List<String> failures = new ArrayList<>();
        int docs = 0;
        try (Stream<Path> s = Files.list(CORPUS.resolve("samples"))) {
            for (Path file : s.sorted().toList()) {
                for (YamlDocument doc : YamlReader.read(file.getFileName().toString(), Files.readString(file))) {
                    docs++;
                    List<Finding> errors = validator.check(doc).stream().filter(Finding::isError).toList();
                    if (!errors.isEmpty()) {
                        failures.add(file.getFileName() + ": " + errors.stream().map(Finding::describe).toList());
                    }
                }
            }
        }
        System.out.printf("Bookinfo samples: %d documents, %d rejected%n", docs, failures.size());
        failures.forEach(f -> System.out.println("  " + f));
        assertThat(failures).isEmpty();
    }

    static YamlDocument withoutErr(YamlDocument doc) {
        if (!doc.tree().isObject() || !doc.tree().has("_err")) {
            return doc;
        }
        ObjectNode copy = ((ObjectNode) doc.tree()).deepCopy();
        copy.remove("_err");
        return new YamlDocument(doc.file(), doc.index(), doc.start(), copy, doc.positions());
    }
}
