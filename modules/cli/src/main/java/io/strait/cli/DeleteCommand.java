package io.strait.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.strait.cli.config.KindNames;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadResult;
import io.strait.model.finding.Finding;
import io.strait.model.istio.Kind;
import io.strait.model.json.Json;
import io.strait.model.yaml.YamlDocument;
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
 * {@code strait delete KIND NAME… [-n NS]} or {@code strait delete -f FILE|DIR}: removes resources from the
 * {@code api} source of a running node, all of them as one revision or none (a name the api source does not hold
 * rejects the whole delete).
 */
@Command(name = "delete", description = "Delete resources from the api source of a running node, as one revision; exit 1 if rejected.")
public final class DeleteCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "KIND NAME", description = "A kind (virtualservice, vs, dr, se, gw, …) and one or more names.")
    List<String> args = new ArrayList<>();

    @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "Namespace of the names (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE|DIR", description = "Delete what these files define (repeatable).")
    List<Path> paths = new ArrayList<>();

    @picocli.CommandLine.Mixin
    AdminFlags admin;

    @Override
    public Integer call() throws Exception {
        List<Map<String, String>> keys = paths.isEmpty() ? named() : fromFiles();
        if (keys == null) {
            return 1;
        }
        return ApplyCommand.send(admin.client(), "/delete", new String(Json.write(keys), StandardCharsets.UTF_8));
    }

    private List<Map<String, String>> named() {
        if (args.size() < 2) {
            throw new IllegalArgumentException("name a kind and at least one name (strait delete vs reviews -n bookinfo), or pass -f FILE");
        }
        Kind kind = KindNames.parse(args.get(0));
        List<Map<String, String>> keys = new ArrayList<>();
        args.subList(1, args.size()).forEach(name -> keys.add(key(kind, namespace, name)));
        return keys;
    }

    /** The kind, namespace and name of every Istio document of the files; null (after printing why) if unreadable. */
    private List<Map<String, String>> fromFiles() throws Exception {
        if (!args.isEmpty()) {
            throw new IllegalArgumentException("give either -f FILE or KIND NAME, not both");
        }
        LoadResult read = ConfigLoader.readPaths(paths);
        LoadResult parsed = ConfigLoader.parse(read.files());
        List<Finding> unreadable = new ArrayList<>(read.findings());
        parsed.findings().stream().filter(f -> f.code().equals("STR0000")).forEach(unreadable::add);
        if (!unreadable.isEmpty()) {
            unreadable.forEach(f -> System.out.println(f.describe()));
            System.out.println("nothing was sent");
            return null;
        }
        List<Map<String, String>> keys = new ArrayList<>();
        for (YamlDocument doc : parsed.documents()) {
            JsonNode meta = doc.tree().path("metadata");
            KindNames.find(doc.tree().path("kind").asText("")).ifPresent(kind -> keys.add(key(kind,
                    meta.path("namespace").asText("default"), meta.path("name").asText(""))));
        }
        return keys;
    }

    private static Map<String, String> key(Kind kind, String namespace, String name) {
        Map<String, String> key = new LinkedHashMap<>();
        key.put("kind", kind.kindName());
        key.put("namespace", namespace);
        key.put("name", name);
        return key;
    }
}
