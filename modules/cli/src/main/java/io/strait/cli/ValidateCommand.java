package io.strait.cli;

import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.validate.DocumentValidator;
import io.strait.model.finding.Finding;
import io.strait.model.json.Json;
import io.strait.model.yaml.YamlDocument;
import io.strait.model.yaml.YamlReader;
import io.strait.model.yaml.YamlSyntaxError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strait validate}: schema and field validation of each document, as Istio's validating webhook does it;
 * exit 1 if any document is invalid. Cross-resource checks are {@code strait analyze}'s.
 */
@Command(name = "validate", description = "Validate each document's schema and fields as Istio does; exit 1 if any is invalid.")
public final class ValidateCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE|DIR")
    List<Path> paths;

    @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json")
    String output;

    @Option(names = "--mesh-config", paramLabel = "FILE", description = "A MeshConfig (YAML, no kind) to validate, "
            + "in place of the mesh.yaml of the folders given (a mesh.yaml given or at a folder's root is read as one too)")
    Path meshConfig;

    /** One document's verdict, the JSON form of {@code -o json}. */
    record DocumentResult(String file, int line, String kind, String namespace, String name, boolean valid,
                          List<Map<String, String>> errors) {
    }

    @Override
    public Integer call() throws Exception {
        LoadResult read = ConfigLoader.withMeshConfig(ConfigLoader.readPaths(paths), meshConfig);
        DocumentValidator validator = new DocumentValidator();
        List<Finding> findings = new ArrayList<>(read.findings());
        List<DocumentResult> results = new ArrayList<>();
        for (Map.Entry<String, String> file : read.files().entrySet()) {
            try {
                boolean meshFile = read.meshFiles().contains(file.getKey());
                for (YamlDocument doc : YamlReader.read(file.getKey(), file.getValue())) {
                    List<Finding> docFindings = validator.check(doc, meshFile).stream().filter(f -> f.level() != Finding.Level.INFO).toList();
                    findings.addAll(docFindings);
                    results.add(result(doc, docFindings, meshFile));
                }
            } catch (YamlSyntaxError e) {
                Finding f = new Finding(Finding.Level.ERROR, "STR0000", e.file(), e.position().line(), e.position().column(), null, null, e.getMessage());
                findings.add(f);
                results.add(new DocumentResult(e.file(), e.position().line(), null, null, null, false,
                        List.of(Map.of("path", "", "message", e.getMessage()))));
            }
        }
        long errors = findings.stream().filter(Finding::isError).count();
        if (output.equals("json")) {
            System.out.println(new String(Json.write(results), StandardCharsets.UTF_8));
        } else {
            findings.forEach(f -> System.out.println(f.describe()));
            System.out.println(errors == 0 ? "valid: " + results.size() + " document(s) in " + read.files().size() + " file(s)"
                    : errors + " error(s) in " + results.stream().filter(r -> !r.valid()).count() + " of " + results.size() + " document(s)");
        }
        return errors == 0 ? 0 : 1;
    }

    private static DocumentResult result(YamlDocument doc, List<Finding> findings, boolean meshFile) {
        List<Map<String, String>> errors = new ArrayList<>();
        for (Finding f : findings) {
            if (f.isError()) {
                Map<String, String> e = new LinkedHashMap<>();
                e.put("path", f.field() == null ? "" : f.field());
                e.put("message", f.message());
                errors.add(e);
            }
        }
        var meta = doc.tree().path("metadata");
        String ns = meta.path("namespace").asText("");
        if (meshFile && io.strait.model.istio.MeshConfigBinder.isKindless(doc)) {
            return new DocumentResult(doc.file(), doc.start().line(), io.strait.model.istio.MeshConfig.KIND, "",
                    io.strait.model.istio.MeshConfig.NAME, errors.isEmpty(), errors);
        }
        return new DocumentResult(doc.file(), doc.start().line(), doc.tree().path("kind").asText(null),
                ns.isEmpty() ? "default" : ns, meta.path("name").asText(null), errors.isEmpty(), errors);
    }
}
