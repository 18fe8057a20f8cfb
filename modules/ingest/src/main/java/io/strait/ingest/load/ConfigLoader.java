package io.strait.ingest.load;

import io.strait.model.finding.Finding;
import io.strait.model.istio.Kind;
import io.strait.model.istio.MeshConfig;
import io.strait.model.istio.MeshConfigBinder;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads every {@code *.yaml} / {@code *.yml} file under a folder (recursively, hidden entries skipped, in path
 * order so that a revision reads the same whatever the file system's order) and binds each document. The kind-less
 * document of a mesh file — {@code mesh.yaml} at the root, or the file {@code --mesh-config} names instead — is the
 * revision's {@link MeshConfig}; a kind-less document anywhere else is an error, as before.
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
        return load(root, cache, null);
    }

    /**
     * As {@link #load(Path, ParseCache)}, with the MeshConfig read from {@code meshConfig} instead of the root's
     * {@code mesh.yaml} when it is not null.
     */
    public static LoadResult load(Path root, ParseCache cache, Path meshConfig) throws IOException {
        LoadResult folder = readFolder(root);
        Path base = root.toAbsolutePath().normalize();
        Path mesh = meshConfig == null ? null : meshConfig.toAbsolutePath().normalize();
        if (mesh != null && mesh.startsWith(base) && folder.files().containsKey(base.relativize(mesh).toString().replace('\\', '/'))) {
            // a file of the folder itself: it is the mesh file, read once under its place in the folder
            String rel = base.relativize(mesh).toString().replace('\\', '/');
            Map<String, String> files = new TreeMap<>(folder.files());
            List<Finding> findings = new ArrayList<>(folder.findings());
            for (String overridden : folder.meshFiles()) {
                if (!overridden.equals(rel)) {
                    files.remove(overridden);
                    findings.add(new Finding(Finding.Level.WARNING, "STR0004", overridden, 0, null, null,
                            "not read: --mesh-config " + meshConfig + " gives the MeshConfig"));
                }
            }
            return parse(new LoadResult(List.of(), List.of(), findings, files, Set.of(rel)), cache);
        }
        return parse(withMeshConfig(folder, meshConfig), cache);
    }

    /** Parses and binds what {@link #readFolder} or {@link #readPaths} read, its mesh files as MeshConfig files. */
    public static LoadResult parse(LoadResult read, ParseCache cache) {
        LoadResult parsed = parse(read.files(), cache, read.meshFiles());
        List<Finding> findings = new ArrayList<>(read.findings());
        findings.addAll(parsed.findings());
        return new LoadResult(parsed.resources(), parsed.documents(), findings, read.files(), read.meshFiles());
    }

    /**
     * What was read, with {@code meshConfig} (when not null) as its one mesh file: added under its path as given, and
     * any {@code mesh.yaml} the sources hold left out with a warning that the option overrides it.
     */
    public static LoadResult withMeshConfig(LoadResult read, Path meshConfig) throws IOException {
        if (meshConfig == null) {
            return read;
        }
        Map<String, String> files = new TreeMap<>(read.files());
        List<Finding> findings = new ArrayList<>(read.findings());
        for (String overridden : read.meshFiles()) {
            files.remove(overridden);
            findings.add(new Finding(Finding.Level.WARNING, "STR0004", overridden, 0, null, null,
                    "not read: --mesh-config " + meshConfig + " gives the MeshConfig"));
        }
        LoadResult file = readPaths(List.of(meshConfig));
        findings.addAll(file.findings());
        files.putAll(file.files());
        return new LoadResult(read.resources(), read.documents(), findings, files, file.files().keySet());
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

    /** Parses and binds in-memory files (path relative to the source root → content). */
    public static LoadResult parse(Map<String, String> files) {
        return parse(files, new ParseCache());
    }

    /**
     * Parses and binds in-memory files, reusing {@code cache}'s parse of every file whose text is unchanged; a
     * {@code mesh.yaml} at the root is the mesh file.
     */
    public static LoadResult parse(Map<String, String> files, ParseCache cache) {
        return parse(files, cache, files.containsKey(MeshConfig.FILE_NAME) ? Set.of(MeshConfig.FILE_NAME) : Set.of());
    }

    /** Parses and binds in-memory files, the kind-less document of each of {@code meshFiles} as the MeshConfig. */
    public static LoadResult parse(Map<String, String> files, ParseCache cache, Set<String> meshFiles) {
        List<LoadedResource> resources = new ArrayList<>();
        List<YamlDocument> documents = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        new TreeMap<>(files).forEach((rel, text) -> {
            boolean mesh = meshFiles.contains(rel);
            // a mesh file is parsed every time: it is one small file, and whether it is one can change by option
            ParseCache.Parsed parsed = mesh ? null : cache.get(rel, text);
            if (parsed == null) {
                parsed = parseFile(rel, text, mesh);
                if (!mesh) {
                    cache.put(rel, parsed);
                }
            }
            documents.addAll(parsed.documents());
            resources.addAll(parsed.resources());
            findings.addAll(parsed.findings());
        });
        cache.retain(files.keySet());
        findings.addAll(secondMeshConfigs(resources));
        resources.removeIf(r -> r.resource().kind() == Kind.MESH_CONFIG && r != firstMeshConfig(resources));
        return new LoadResult(resources, documents, findings, files, meshFiles);
    }

    /** A revision has one MeshConfig: every one after the first is an error naming where the first is. */
    private static List<Finding> secondMeshConfigs(List<LoadedResource> resources) {
        LoadedResource first = firstMeshConfig(resources);
        List<Finding> out = new ArrayList<>();
        for (LoadedResource r : resources) {
            if (r.resource().kind() == Kind.MESH_CONFIG && r != first) {
                out.add(new Finding(Finding.Level.ERROR, "STR0005", r.document().file(), r.document().start().line(),
                        MeshConfig.KIND + " " + MeshConfig.NAME, null, "a second MeshConfig: the mesh has one, and "
                        + first.document().file() + ":" + first.document().start().line() + " already gives it"));
            }
        }
        return out;
    }

    private static LoadedResource firstMeshConfig(List<LoadedResource> resources) {
        return resources.stream().filter(r -> r.resource().kind() == Kind.MESH_CONFIG).findFirst().orElse(null);
    }

    private static ParseCache.Parsed parseFile(String rel, String text, boolean meshFile) {
        List<LoadedResource> resources = new ArrayList<>();
        List<YamlDocument> documents = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        try {
            for (YamlDocument doc : YamlReader.read(rel, text)) {
                documents.add(doc);
                ResourceBinder.Bound bound = meshFile && MeshConfigBinder.isKindless(doc)
                        ? MeshConfigBinder.bind(doc) : ResourceBinder.bind(doc);
                findings.addAll(bound.findings());
                bound.resource().ifPresent(r -> resources.add(new LoadedResource(r, doc)));
            }
        } catch (YamlSyntaxError e) {
            findings.add(new Finding(Finding.Level.ERROR, "STR0000", e.file(), e.position().line(), e.position().column(), null, null, e.getMessage()));
        }
        return new ParseCache.Parsed(text, List.copyOf(documents), List.copyOf(resources), List.copyOf(findings));
    }

    /**
     * Reads files and folders given on a command line; files keep the path as given, folders are walked. The mesh
     * files are each folder's {@code mesh.yaml} and any file given by itself that is named {@code mesh.yaml}.
     */
    public static LoadResult readPaths(List<Path> paths) throws IOException {
        Map<String, String> files = new TreeMap<>();
        Set<String> meshFiles = new TreeSet<>();
        List<Finding> findings = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                LoadResult dir = readFolder(p);
                dir.meshFiles().forEach(m -> meshFiles.add(p.resolve(m).toString()));
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
                    if (p.getFileName() != null && p.getFileName().toString().equals(MeshConfig.FILE_NAME)) {
                        meshFiles.add(p.toString());
                    }
                } catch (CharacterCodingException e) {
                    findings.add(error(p.toString(), 0, "file is not UTF-8 text"));
                }
            } else {
                findings.add(error(p.toString(), 0, "no such file or folder"));
            }
        }
        return new LoadResult(List.of(), List.of(), findings, files, meshFiles);
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
