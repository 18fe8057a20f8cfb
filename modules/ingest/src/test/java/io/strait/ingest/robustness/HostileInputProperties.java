package io.strait.ingest.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.revision.RevisionBuilder;
import io.strait.ingest.revision.RevisionOutcome;
import io.strait.ingest.validate.DocumentValidator;
import io.strait.model.finding.Finding;
import io.strait.model.json.Json;
import io.strait.model.yaml.YamlDocument;
import io.strait.model.yaml.YamlReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.yaml.snakeyaml.Yaml;

/**
 * Hostile input never escapes: Istio's own conformance documents, mutated (fields dropped, duplicated, retyped,
 * truncated, replaced by huge strings or deep nesting), and random text, are read, validated and analyzed as one
 * revision; nothing throws, and every rejection carries a message.
 */
class HostileInputProperties {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<JsonNode> CORPUS = corpus();

    @Property(tries = 300)
    void mutatedConformanceDocumentsAreJudgedNeverThrown(@ForAll("documents") JsonNode original,
                                                         @ForAll @IntRange(min = 1, max = 6) int mutations,
                                                         @ForAll long seed) {
        Random random = new Random(seed);
        JsonNode doc = original.deepCopy();
        for (int i = 0; i < mutations; i++) {
            doc = mutate(doc, random);
        }
        String text = new Yaml().dump(Json.MAPPER.convertValue(doc, Object.class));
        judge(text);
    }

    @Property(tries = 200)
    void randomTextIsJudgedNeverThrown(@ForAll("text") String text) {
        judge(text);
    }

    @Provide
    Arbitrary<JsonNode> documents() {
        return Arbitraries.of(CORPUS);
    }

    @Provide
    Arbitrary<String> text() {
        Arbitrary<String> yamlish = Arbitraries.strings().withChars("{}[]:-,&*!|>'\"%@`#? \n\tabcSPEC0123").ofMaxLength(400);
        Arbitrary<String> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(400)
                .map(b -> new String(b, StandardCharsets.ISO_8859_1));
        return Arbitraries.oneOf(yamlish, bytes, Arbitraries.strings().ofMaxLength(200));
    }

    private static void judge(String text) {
        RevisionOutcome outcome = new RevisionBuilder().build("hostile", null, ConfigLoader.parse(Map.of("hostile.yaml", text)));
        if (outcome instanceof RevisionOutcome.Rejected rejected) {
            assertThat(rejected.findings()).filteredOn(Finding::isError).isNotEmpty()
                    .allSatisfy(f -> assertThat(f.message()).isNotBlank());
        }
        try {
            for (YamlDocument d : YamlReader.read("hostile.yaml", text)) {
                assertThat(new DocumentValidator().check(d)).allSatisfy(f -> assertThat(f.message()).isNotBlank());
            }
        } catch (io.strait.model.yaml.YamlSyntaxError e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    /** One random change at a random place of the tree. */
    static JsonNode mutate(JsonNode root, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        if (containers.isEmpty()) {
            return replacement(random);
        }
        JsonNode target = containers.get(random.nextInt(containers.size()));
        if (target instanceof ObjectNode object && object.size() > 0) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(4)) {
                case 0 -> object.remove(name);
                case 1 -> object.set(name + "Copy", object.get(name).deepCopy());
                case 2 -> object.set(name, replacement(random));
                default -> object.set(name, truncate(object.get(name), random));
            }
        } else if (target instanceof ArrayNode array && array.size() > 0) {
            int i = random.nextInt(array.size());
            switch (random.nextInt(3)) {
                case 0 -> array.remove(i);
                case 1 -> array.add(array.get(i).deepCopy());
                default -> array.set(i, replacement(random));
            }
        }
        return root;
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collect(it.next(), out);
            }
        }
    }

    private static JsonNode replacement(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.numberNode(random.nextInt() - Integer.MAX_VALUE / 2);
            case 2 -> NODES.booleanNode(random.nextBoolean());
            case 3 -> NODES.textNode("x".repeat(100_000));
            case 4 -> NODES.numberNode(random.nextDouble() * 1e12);
            case 5 -> deep(random.nextInt(40) + 20);
            case 6 -> NODES.arrayNode().add("a").add(1);
            default -> NODES.objectNode().put("unexpected", "value");
        };
    }

    private static JsonNode deep(int depth) {
        JsonNode node = NODES.textNode("bottom");
        for (int i = 0; i < depth; i++) {
            node = i % 2 == 0 ? NODES.objectNode().set("n", node) : NODES.arrayNode().add(node);
        }
        return node;
    }

    private static JsonNode truncate(JsonNode value, Random random) {
        if (value.isTextual() && !value.asText().isEmpty()) {
            return NODES.textNode(value.asText().substring(0, random.nextInt(value.asText().length())));
        }
        return value.isContainerNode() && value.size() > 0 ? value.elements().next() : NODES.textNode("");
    }

    private static List<JsonNode> corpus() {
        List<JsonNode> out = new ArrayList<>();
        Path root = Path.of("../../../shared/conformance/istio");
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                for (YamlDocument d : YamlReader.read(f.getFileName().toString(), Files.readString(f))) {
                    out.add(d.tree());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the conformance corpus at " + root.toAbsolutePath(), e);
        }
        return out;
    }
}
