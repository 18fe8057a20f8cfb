package io.strait.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.strait.cli.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests under {@code deploy/}: every YAML document reads as the object it claims (fabric8's
 * model, unknown fields refused; Strimzi's kinds by their required fields), every kustomization names only files
 * that exist and only fields Debian's kubectl 1.20 (kustomize v2) reads, and every overlay renders with
 * {@code kubectl kustomize} into objects that parse and hang together ({@link RenderedChecks}). Without kubectl on
 * the PATH the rendering tests are skipped, saying so.
 */
class DeployManifestsTest {
    private static final Path DEPLOY = locateDeploy();
    private static final List<String> OVERLAYS = List.of("strimzi", "external-kafka", "dev");
    /** What kustomize v2.0.3 (kubectl 1.20, Debian's) and v5 both read; newer fields would break the older one. */
    private static final Set<String> KUSTOMIZATION_FIELDS = Set.of("apiVersion", "kind", "namespace", "resources", "bases",
            "patchesStrategicMerge", "images", "commonAnnotations");

    private final ManifestReader reader = new ManifestReader();

    private static Path locateDeploy() {
        // surefire runs in the module folder; the manifests are at the repository's top
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/base"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/base above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve("deploy");
    }

    @Test
    void everyManifestFileReadsAsTheObjectItClaims() throws IOException {
        Set<Path> patches = patchFiles();
        List<String> errors = new ArrayList<>();
        int documents = 0;
        for (Path file : yamlFiles()) {
            if (file.getFileName().toString().equals("kustomization.yaml")) {
                continue;
            }
            String where = DEPLOY.getParent().relativize(file).toString();
            for (ManifestReader.Document doc : reader.read(where, Files.readString(file, StandardCharsets.UTF_8))) {
                documents++;
                doc.errors().forEach(e -> errors.add(doc.where() + ": " + e));
                if (doc.object() instanceof GenericKubernetesResource strimzi) {
                    StrimziChecks.check(strimzi, !patches.contains(file)).forEach(e -> errors.add(doc.where() + ": " + e));
                }
            }
        }
        assertEquals(List.of(), errors, "manifests under deploy/ that are not the objects they claim");
        assertTrue(documents >= 20, "read only " + documents + " documents under " + DEPLOY);
    }

    @Test
    void everyKustomizationNamesFilesThatExistAndFieldsKubectl120Reads() throws IOException {
        List<String> errors = new ArrayList<>();
        for (Path k : kustomizations()) {
            Map<String, Object> fields = new org.yaml.snakeyaml.Yaml().load(Files.readString(k));
            String where = DEPLOY.getParent().relativize(k).toString();
            fields.keySet().stream().filter(f -> !KUSTOMIZATION_FIELDS.contains(f))
                    .forEach(f -> errors.add(where + ": field " + f + " is not read by kustomize v2 (kubectl 1.20); use " + KUSTOMIZATION_FIELDS));
            for (String list : List.of("resources", "bases", "patchesStrategicMerge")) {
                if (fields.get(list) instanceof List<?> entries) {
                    for (Object e : entries) {
                        Path target = k.getParent().resolve(e.toString()).normalize();
                        boolean directory = Files.isRegularFile(target.resolve("kustomization.yaml"));
                        if (!Files.exists(target)) {
                            errors.add(where + ": " + list + " names " + e + ", which does not exist");
                        } else if (list.equals("resources") && directory) {
                            errors.add(where + ": " + e + " is a kustomization: kustomize v2 takes it under bases, not resources");
                        } else if (list.equals("bases") && !directory) {
                            errors.add(where + ": bases names " + e + ", which holds no kustomization.yaml");
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), errors);
        try (Stream<Path> dirs = Files.list(DEPLOY.resolve("overlays"))) {
            assertEquals(Set.copyOf(OVERLAYS), dirs.map(d -> d.getFileName().toString()).collect(java.util.stream.Collectors.toSet()),
                    "every overlay under deploy/overlays is rendered by overlayRendersIntoObjectsThatHangTogether");
        }
    }

    @ParameterizedTest(name = "kubectl kustomize deploy/overlays/{0}")
    @ValueSource(strings = {"strimzi", "external-kafka", "dev"})
    void overlayRendersIntoObjectsThatHangTogether(String overlay) throws Exception {
        List<String> errors = new ArrayList<>();
        List<HasMetadata> objects = render(overlay, errors);
        errors.addAll(RenderedChecks.check(objects));
        List<GenericKubernetesResource> strimzi = RenderedChecks.of(objects, GenericKubernetesResource.class);
        strimzi.forEach(r -> StrimziChecks.check(r, true).forEach(e -> errors.add(r.getKind() + " " + r.getMetadata().getName() + ": " + e)));
        String bootstrap = bootstrapServers(objects);
        if (overlay.equals("external-kafka")) {
            assertTrue(bootstrap.contains("REPLACE"), "external-kafka keeps a placeholder the user replaces: " + bootstrap);
            assertTrue(strimzi.isEmpty(), "external-kafka brings no Kafka of its own");
        } else {
            // the roles dial the bootstrap Service Strimzi makes for that Kafka: <name>-kafka-bootstrap.<ns>.svc:<plain port>
            GenericKubernetesResource kafka = strimzi.stream().filter(r -> r.getKind().equals("Kafka")).findFirst().orElseThrow();
            Map<String, Object> listener = StrimziChecks.map(((List<?>) StrimziChecks.map(StrimziChecks.map(
                    kafka.getAdditionalProperties().get("spec")).get("kafka")).get("listeners")).get(0));
            assertEquals(kafka.getMetadata().getName() + "-kafka-bootstrap." + kafka.getMetadata().getNamespace() + ".svc:" + listener.get("port"),
                    bootstrap);
            assertEquals(false, listener.get("tls"), "Strait's roles speak plaintext Kafka");
            strimzi.stream().filter(r -> r.getKind().equals("KafkaNodePool")).forEach(pool -> assertEquals(kafka.getMetadata().getName(),
                    pool.getMetadata().getLabels().get("strimzi.io/cluster"), "node pool " + pool.getMetadata().getName() + "'s cluster"));
        }
        assertEquals(List.of(), errors, "deploy/overlays/" + overlay + " as kubectl renders it");
    }

    @Test
    void theMeshConfigMapIsAValidMeshConfig(@TempDir Path dir) throws IOException {
        String base = Files.readString(DEPLOY.resolve("base/config.yaml"));
        ConfigMap mesh = reader.read("deploy/base/config.yaml", base).stream().map(ManifestReader.Document::object)
                .filter(o -> o instanceof ConfigMap c && c.getMetadata().getName().equals("strait-mesh")).map(ConfigMap.class::cast)
                .findFirst().orElseThrow();
        Files.writeString(dir.resolve("mesh.yaml"), mesh.getData().get("mesh.yaml"));
        assertEquals(0, Main.execute("validate", dir.toString()), "strait validate on the strait-mesh ConfigMap's mesh.yaml");
    }

    /** The objects {@code kubectl kustomize} renders for an overlay; documents that do not parse go to {@code errors}. */
    private List<HasMetadata> render(String overlay, List<String> errors) throws Exception {
        Path kubectl = kubectl();
        String missing = "kubectl is not on the PATH, so deploy/overlays/" + overlay + " was not rendered: "
                + "install it (Debian: apt-get install kubernetes-client; .ci/run does) to run this test";
        if (kubectl == null) {
            // the skip's reason is in the report; say it in the build's output too
            System.err.println("SKIPPED " + missing);
        }
        assumeTrue(kubectl != null, missing);
        Path out = Files.createTempFile("kustomize-" + overlay, ".yaml");
        Path err = Files.createTempFile("kustomize-" + overlay, ".err");
        try {
            Process p = new ProcessBuilder(kubectl.toString(), "kustomize", DEPLOY.resolve("overlays").resolve(overlay).toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "kubectl kustomize took over 120 s");
            assertEquals(0, p.exitValue(), "kubectl kustomize deploy/overlays/" + overlay + " failed: " + Files.readString(err));
            List<HasMetadata> objects = new ArrayList<>();
            for (ManifestReader.Document doc : reader.read("rendered " + overlay, Files.readString(out))) {
                doc.errors().forEach(e -> errors.add(doc.where() + ": " + e));
                if (doc.object() != null) {
                    objects.add(doc.object());
                }
            }
            return objects;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String bootstrapServers(List<HasMetadata> objects) {
        return RenderedChecks.of(objects, ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals("strait-kafka"))
                .map(c -> c.getData().get("bootstrap-servers")).findFirst().orElseThrow();
    }

    private static Path kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "kubectl");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(DEPLOY)) {
            return walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    private static List<Path> kustomizations() throws IOException {
        return yamlFiles().stream().filter(p -> p.getFileName().toString().equals("kustomization.yaml")).toList();
    }

    /** Files kustomizations apply as patches: objects that may leave required fields out. */
    private static Set<Path> patchFiles() throws IOException {
        Set<Path> patches = new java.util.HashSet<>();
        for (Path k : kustomizations()) {
            Map<String, Object> fields = new org.yaml.snakeyaml.Yaml().load(Files.readString(k));
            if (fields.get("patchesStrategicMerge") instanceof List<?> list) {
                list.forEach(p -> patches.add(k.getParent().resolve(p.toString()).normalize()));
            }
        }
        return patches;
    }
}
