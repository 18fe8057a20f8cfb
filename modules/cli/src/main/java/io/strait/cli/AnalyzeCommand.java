package io.strait.cli;

import io.strait.ingest.analyze.AnalysisInput;
import io.strait.ingest.analyze.Analyzers;
import io.strait.ingest.analyze.MeshSettings;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.validate.DocumentValidator;
import io.strait.model.finding.Finding;
import io.strait.model.istio.MeshConfig;
import io.strait.model.istio.MeshConfigBinder;
import io.strait.model.json.Json;
import io.strait.model.yaml.YamlDocument;
import io.strait.model.yaml.YamlReader;
import io.strait.model.yaml.YamlSyntaxError;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code strait analyze}: validation plus Istio's cross-resource analysis over everything given together, with
 * Kubernetes objects in the files as the registry. Output and exit codes follow {@code istioctl analyze}.
 */
@Command(name = "analyze", description = "Validate and analyze config together, as istioctl analyze does.")
public final class AnalyzeCommand implements Callable<Integer> {
    /** istioctl analyze's exit code when it found issues at or above the failure threshold. */
    static final int ISSUES_FOUND = 79;

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR")
    List<Path> paths;

    @Option(names = {"-o", "--output"}, defaultValue = "log", description = "log, json or yaml")
    String output;

    @Option(names = {"--mesh-config", "--meshConfigFile"}, paramLabel = "FILE",
            description = "A MeshConfig (YAML, no kind) to analyze against, as istioctl analyze --meshConfigFile; "
                    + "a kind-less MeshConfig document among the files (a folder's mesh.yaml), or ConfigMap istio, serves too")
    Path meshConfigFile;

    @Option(names = "--failure-threshold", defaultValue = "Error",
            description = "Exit with " + ISSUES_FOUND + " when an issue at this level or above is found: Error, Warning or Info (default: ${DEFAULT-VALUE})")
    String failureThreshold;

    @Override
    public Integer call() throws Exception {
        Finding.Level threshold = Finding.Level.valueOf(failureThreshold.toUpperCase(Locale.ROOT));
        LoadResult read = ConfigLoader.readPaths(paths);
        List<Finding> findings = new ArrayList<>(read.findings());
        List<YamlDocument> documents = new ArrayList<>();
        DocumentValidator validator = new DocumentValidator();
        Optional<MeshConfig> meshConfig = Optional.empty();
        if (meshConfigFile != null) {
            try {
                for (YamlDocument doc : YamlReader.read(meshConfigFile.toString(), Files.readString(meshConfigFile))) {
                    if (MeshConfigBinder.isKindless(doc) && meshConfig.isEmpty()) {
                        // the MeshConfig given by option wins over one among the files; read as written even if invalid
                        meshConfig = Optional.of(new MeshConfig(doc.tree()));
                        validator.check(doc, true).stream().filter(f -> !f.code().equals("STR0002")).forEach(findings::add);
                    }
                }
            } catch (YamlSyntaxError e) {
                findings.add(new Finding(Finding.Level.ERROR, "STR0000", e.file(), e.position().line(), e.position().column(), null, null, e.getMessage()));
            }
        }
        for (Map.Entry<String, String> file : read.files().entrySet()) {
            boolean meshFile = read.meshFiles().contains(file.getKey());
            try {
                for (YamlDocument doc : YamlReader.read(file.getKey(), file.getValue())) {
                    documents.add(doc);
                    if (meshFile && MeshConfigBinder.isKindless(doc)) {
                        // a folder's mesh.yaml: checked as the MeshConfig it is (an option's MeshConfig overrides it)
                        if (meshConfigFile == null) {
                            validator.check(doc, true).stream().filter(f -> !f.code().equals("STR0002")).forEach(findings::add);
                        }
                        continue;
                    }
                    if (MeshSettings.isMeshConfig(doc.tree())) {
                        continue; // not a resource: analyzers read it as the MeshConfig
                    }
                    validator.check(doc).stream()
                            .filter(f -> !f.code().equals("STR0002") && !f.code().equals("STR0003"))
                            .forEach(findings::add);
                }
            } catch (YamlSyntaxError e) {
                findings.add(new Finding(Finding.Level.ERROR, "STR0000", e.file(), e.position().line(), e.position().column(), null, null, e.getMessage()));
            }
        }
        if (meshConfig.isEmpty()) {
            // a folder's mesh.yaml first, else the first kind-less MeshConfig or ConfigMap istio among the files
            meshConfig = documents.stream().filter(d -> read.meshFiles().contains(d.file()) && MeshConfigBinder.isKindless(d))
                    .map(d -> new MeshConfig(d.tree())).findFirst();
        }
        findings.addAll(Analyzers.run(new AnalysisInput(documents, meshConfig), Analyzers.defaults()));
        findings.sort(Comparator.comparing(Finding::level).thenComparing(f -> String.valueOf(f.resource())));
        print(findings, documents.size());
        boolean failed = findings.stream().anyMatch(f -> f.level().ordinal() <= threshold.ordinal());
        return failed ? ISSUES_FOUND : 0;
    }

    private void print(List<Finding> findings, int documents) {
        switch (output) {
            case "json" -> System.out.println(new String(Json.write(entries(findings)), StandardCharsets.UTF_8));
            case "yaml" -> {
                DumperOptions options = new DumperOptions();
                options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
                System.out.print(new Yaml(options).dump(entries(findings)));
            }
            default -> {
                if (findings.isEmpty()) {
                    System.out.println("\u2714 No validation issues found when analyzing " + documents + " document(s).");
                }
                findings.forEach(f -> System.out.println(line(f)));
            }
        }
    }

    /** {@code Error [IST0101] (VirtualService default/reviews vs.yaml:12) Referenced host not found: "x"}. */
    static String line(Finding f) {
        String level = f.level().name().charAt(0) + f.level().name().substring(1).toLowerCase(Locale.ROOT);
        String where = f.file() == null ? "" : (f.resource() == null ? "" : " ") + f.file() + ":" + f.line();
        String field = f.field() == null || f.field().isEmpty() || !f.code().startsWith("IST0106") && !f.code().startsWith("STR")
                ? "" : f.field() + ": ";
        return level + " [" + f.code() + "] (" + (f.resource() == null ? "" : f.resource()) + where + ") " + field + f.message();
    }

    private static List<Map<String, Object>> entries(List<Finding> findings) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Finding f : findings) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("code", f.code());
            e.put("level", f.level().name().charAt(0) + f.level().name().substring(1).toLowerCase(Locale.ROOT));
            e.put("message", f.field() != null && f.code().equals("IST0106") ? f.field() + ": " + f.message() : f.message());
            e.put("origin", f.resource() == null ? "" : f.resource());
            e.put("file", f.file() == null ? "" : f.file());
            e.put("line", f.line());
            e.put("column", f.column());
            out.add(e);
        }
        return out;
    }
}
