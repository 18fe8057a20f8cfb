package io.strait.cli;

import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.revision.RevisionBuilder;
import io.strait.ingest.revision.RevisionOutcome;
import io.strait.model.finding.Finding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code strait validate}: the checks ingest runs on a revision, on files before they are committed. */
@Command(name = "validate", description = "Validate config files or folders as one revision, as ingest would; exit 1 on any error.")
public final class ValidateCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE|DIR")
    List<Path> paths;

    @Override
    public Integer call() throws Exception {
        List<Finding> findings = new ArrayList<>();
        Map<String, String> files = new TreeMap<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                LoadResult dir = ConfigLoader.readFolder(p);
                dir.files().forEach((rel, text) -> files.put(p.resolve(rel).toString(), text));
                dir.findings().forEach(f -> findings.add(new Finding(f.level(), f.code(), p.resolve(f.file()).toString(),
                        f.line(), f.resource(), f.field(), f.message())));
            } else if (Files.isRegularFile(p)) {
                try {
                    files.put(p.toString(), StandardCharsets.UTF_8.newDecoder()
                            .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(p))).toString());
                } catch (java.nio.charset.CharacterCodingException e) {
                    findings.add(new Finding(Finding.Level.ERROR, "STR0000", p.toString(), 0, null, null, "file is not UTF-8 text"));
                }
            } else {
                findings.add(new Finding(Finding.Level.ERROR, "STR0000", p.toString(), 0, null, null, "no such file or folder"));
            }
        }
        RevisionOutcome outcome = new RevisionBuilder().build("validate", null, ConfigLoader.parse(files));
        if (outcome instanceof RevisionOutcome.Rejected r) {
            findings.addAll(r.findings());
        } else {
            findings.addAll(((RevisionOutcome.Accepted) outcome).revision().warnings());
        }
        findings.stream().filter(f -> f.level() != Finding.Level.INFO).forEach(f -> System.out.println(f.describe()));
        long errors = findings.stream().filter(Finding::isError).count();
        System.out.println(errors == 0 ? "valid: " + files.size() + " file(s)" : errors + " error(s)");
        return errors == 0 ? 0 : 1;
    }
}
