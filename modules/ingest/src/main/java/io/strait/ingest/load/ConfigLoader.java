package io.strait.ingest.load;

import io.strait.model.finding.Finding;
import io.strait.model.istio.ResourceBinder;
import io.strait.model.yaml.YamlDocument;
import io.strait.model.yaml.YamlReader;
import io.strait.model.yaml.YamlSyntaxError;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads every {@code *.yaml} / {@code *.yml} file under a folder (recursively, hidden entries skipped, in path
 * order so that a revision reads the same whatever the file system's order) and binds each document.
 */
public final class ConfigLoader {
    /** Files over this size are refused with a message rather than read. */
    static final long MAX_FILE_BYTES = 8L * 1024 * 1024;

    private ConfigLoader() {
    }

    public static LoadResult load(Path root) throws IOException {
        return load(root, new ParseCache());
    }

    /** Reads the folder, parsing only the files whose text changed since {@code cache} last saw them. */
    public static LoadResult load(Path root, ParseCache cache) throws IOException {
        LoadResult read = readFolder(root);
        LoadResult parsed = parse(read.files(), cache);
        List<Finding> findings = new ArrayList<>(read.findings());
        findings.addAll(parsed.findings());
        return new LoadResult(parsed.resources(), parsed.documents(), findings, read.files());
    }

    /** Reads the folder's YAML files without parsing them; findings are files that could not be read. */
    public static LoadResult readFolder(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        List<Finding> findings = new ArrayList<>();
        for (Path file : yamlFiles(root)) {
            String rel = root.relativize(file).toString().replace('\\', '/');
            if (Files.size(file) > MAX_FILE_BYTES) {
                findings.add(error(rel, 0, "file is larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MiB; split it"));
                continue;
            }
            try {
                files.put(rel, StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString());
            } catch (CharacterCodingException e) {
                findings.add(error(rel, 0, "file is not UTF-8 text"));
            }
        }
        return new LoadResult(List.of(), List.of(), findings, files);
    }

    /** Parses and binds in-memory files (relative path → content). */
    public static LoadResult parse(Map<String, String> files) {
        return parse(files, new ParseCache());
    }

    /** Parses and binds in-memory files, reusing {@code cache}'s parse of every file whose text is unchanged. */
    public static LoadResult parse(Map<String, String> files, ParseCache cache) {
        List<LoadedResource> resources = new ArrayList<>();
        List<YamlDocument> documents = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        new TreeMap<>(files).forEach((rel, text) -> {
            ParseCache.Parsed parsed = cache.get(rel, text);
            if (parsed == null) {
                parsed = parseFile(rel, text);
                cache.put(rel, parsed);
            }
            documents.addAll(parsed.documents());
            resources.addAll(parsed.resources());
            findings.addAll(parsed.findings());
        });
        cache.retain(files.keySet());
        return new LoadResult(resources, documents, findings, files);
    }

    private static ParseCache.Parsed parseFile(String rel, String text) {
        List<LoadedResource> resources = new ArrayList<>();
        List<YamlDocument> documents = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        try {
            for (YamlDocument doc : YamlReader.read(rel, text)) {
                documents.add(doc);
                ResourceBinder.Bound bound = ResourceBinder.bind(doc);
                findings.addAll(bound.findings());
                bound.resource().ifPresent(r -> resources.add(new LoadedResource(r, doc)));
            }
        } catch (YamlSyntaxError e) {
            findings.add(new Finding(Finding.Level.ERROR, "STR0000", e.file(), e.position().line(), e.position().column(), null, null, e.getMessage()));
        }
        return new ParseCache.Parsed(text, List.copyOf(documents), List.copyOf(resources), List.copyOf(findings));
    }

    /** Reads files and folders given on a command line; files keep the path as given, folders are walked. */
    public static LoadResult readPaths(List<Path> paths) throws IOException {
        Map<String, String> files = new TreeMap<>();
        List<Finding> findings = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                LoadResult dir = readFolder(p);
                dir.files().forEach((rel, text) -> files.put(p.resolve(rel).toString(), text));
                dir.findings().forEach(f -> findings.add(new Finding(f.level(), f.code(), p.resolve(f.file()).toString(),
                        f.line(), f.column(), f.resource(), f.field(), f.message())));
            } else if (Files.isRegularFile(p)) {
                if (Files.size(p) > MAX_FILE_BYTES) {
                    findings.add(error(p.toString(), 0, "file is larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MiB; split it"));
                    continue;
                }
                try {
                    files.put(p.toString(), StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(p))).toString());
                } catch (CharacterCodingException e) {
                    findings.add(error(p.toString(), 0, "file is not UTF-8 text"));
                }
            } else {
                findings.add(error(p.toString(), 0, "no such file or folder"));
            }
        }
        return new LoadResult(List.of(), List.of(), findings, files);
    }

    private static List<Path> yamlFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("config folder " + root + " does not exist or is not a directory");
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> root.relativize(p).toString().chars().noneMatch(c -> c == 0))
                    .filter(p -> !isHidden(root.relativize(p)))
                    .filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(".yaml") || n.endsWith(".yml");
                    })
                    .sorted()
                    .toList();
        }
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static Finding error(String file, int line, String message) {
        return new Finding(Finding.Level.ERROR, "STR0000", file, line, null, null, message);
    }
}
