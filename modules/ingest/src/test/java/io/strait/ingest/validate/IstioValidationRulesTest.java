package io.strait.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strait.model.finding.Finding;
import io.strait.model.yaml.YamlDocument;
import io.strait.model.yaml.YamlReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The table of Istio's validation functions against Strait's rules ({@code docs/parity/validation.md}), one row a
 * document in {@code src/test/resources/validation-rules/*.yaml}: {@code _case} names the row, {@code _istio} the
 * Istio function, {@code _expect} the errors ({@code field path: message fragment}, each matched once, no others)
 * or {@code valid}, {@code _warn} warnings that must be among the findings. The rows of {@code meshconfig.yaml} are
 * MeshConfig documents, read as a mesh.yaml is.
 */
class IstioValidationRulesTest {
    private static final Set<String> ROW_FIELDS = Set.of("_case", "_istio", "_expect", "_warn");
    private final DocumentValidator validator = new DocumentValidator();

    /** One row: its id, Istio function, document and what is expected of it. */
    record Row(String id, String istio, YamlDocument doc, List<Map.Entry<String, String>> errors,
               List<Map.Entry<String, String>> warnings) {
    }

    static List<Row> rows() throws Exception {
        Path dir = Path.of(IstioValidationRulesTest.class.getResource("/validation-rules").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        List<Row> rows = new ArrayList<>();
        for (Path file : files) {
            for (YamlDocument doc : YamlReader.read(file.getFileName().toString(), Files.readString(file))) {
                JsonNode tree = doc.tree();
                ObjectNode clean = ((ObjectNode) tree).deepCopy();
                ROW_FIELDS.forEach(clean::remove);
                rows.add(new Row(tree.path("_case").asText(), tree.path("_istio").asText(),
                        new YamlDocument(doc.file(), doc.index(), doc.start(), clean, doc.positions()),
                        expectations(tree.get("_expect")), expectations(tree.get("_warn"))));
            }
        }
        return rows;
    }

    private static List<Map.Entry<String, String>> expectations(JsonNode node) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (node == null || node.isTextual()) { // "valid", or nothing expected
            return out;
        }
        for (JsonNode item : node) {
            for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.add(Map.entry(e.getKey(), e.getValue().asText()));
            }
        }
        return out;
    }

    @Test
    void everyRowFindsExactlyItsErrors() throws Exception {
        List<Row> rows = rows();
        assertThat(rows).isNotEmpty();
        List<String> failures = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Row row : rows) {
            if (row.id().isEmpty() || row.istio().isEmpty() || !ids.add(row.id())) {
                failures.add("row without a unique _case or an _istio function: " + row.doc().file() + " line " + row.doc().start().line());
                continue;
            }
            // the rows of meshconfig.yaml are mesh files: their kind-less documents are MeshConfigs
            List<Finding> findings = validator.check(row.doc(), row.doc().file().equals("meshconfig.yaml"));
            List<Finding> errors = new ArrayList<>(findings.stream().filter(Finding::isError).toList());
            for (Map.Entry<String, String> want : row.errors()) {
                Finding hit = errors.stream().filter(f -> matches(f, want)).findFirst().orElse(null);
                if (hit == null) {
                    failures.add(row.id() + ": expected error " + want.getKey() + ": " + want.getValue() + "; got " + describe(errors));
                } else {
                    errors.remove(hit);
                }
            }
            if (!errors.isEmpty()) {
                failures.add(row.id() + ": unexpected errors " + describe(errors));
            }
            for (Map.Entry<String, String> want : row.warnings()) {
                if (findings.stream().noneMatch(f -> f.level() == Finding.Level.WARNING && matches(f, want))) {
                    failures.add(row.id() + ": expected warning " + want.getKey() + ": " + want.getValue() + "; got "
                            + describe(findings.stream().filter(f -> f.level() == Finding.Level.WARNING).toList()));
                }
            }
        }
        System.out.printf("Istio validation rules: %d rows, %d failures%n", rows.size(), failures.size());
        failures.forEach(f -> System.out.println("  " + f));
        assertThat(failures).isEmpty();
    }

    private static boolean matches(Finding f, Map.Entry<String, String> want) {
        return want.getKey().equals(f.field()) && f.message().contains(want.getValue());
    }

    private static List<String> describe(List<Finding> findings) {
        return findings.stream().map(f -> f.field() + ": " + f.message()).toList();
    }
}
