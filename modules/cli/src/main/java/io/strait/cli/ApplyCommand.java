package io.strait.cli;

import io.strait.cli.config.AdminClient;
import io.strait.cli.config.ApplyAnswer;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadResult;
import io.strait.model.finding.Finding;
import io.strait.model.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strait apply -f FILE|DIR}: sends documents to a running node's ingest over its admin port, where they are
 * upserted into the {@code api} source and validated and published as one revision — or rejected whole, with the
 * findings located in the files as given here; exit 1 then, as {@code strait validate}.
 */
@Command(name = "apply", description = "Apply config files to the api source of a running node, as one revision; exit 1 if rejected.")
public final class ApplyCommand implements Callable<Integer> {
    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR", description = "A YAML file or a folder of them (repeatable).")
    List<Path> paths;

    @picocli.CommandLine.Mixin
    AdminFlags admin;

    @Override
    public Integer call() throws Exception {
        LoadResult read = ConfigLoader.readPaths(paths);
        if (read.findings().stream().anyMatch(Finding::isError) || read.files().isEmpty()) {
            read.findings().forEach(f -> System.out.println(f.describe()));
            System.out.println(read.files().isEmpty() ? "no YAML files in " + paths + "; nothing was sent" : "nothing was sent");
            return 1;
        }
        List<Map<String, String>> files = new ArrayList<>();
        read.files().forEach((file, text) -> files.add(Map.of("file", file, "text", text)));
        return send(admin.client(), "/apply", new String(Json.write(files), StandardCharsets.UTF_8));
    }

    /** Sends an apply or delete and prints the node's verdict: 0 accepted, 1 rejected. */
    static int send(AdminClient admin, String path, String body) throws Exception {
        AdminClient.Answer answer = admin.post(path, body);
        if (answer.code() != 200 && answer.code() != 422) {
            throw new IllegalStateException("the node refused (" + answer.code() + "): " + answer.body().trim());
        }
        ApplyAnswer verdict = ApplyAnswer.parse(answer.body());
        System.out.print(verdict.describe());
        return verdict.accepted() ? 0 : 1;
    }
}
