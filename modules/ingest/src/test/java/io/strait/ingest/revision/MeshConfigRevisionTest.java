package io.strait.ingest.revision;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.load.ParseCache;
import io.strait.model.finding.Finding;
import io.strait.model.istio.MeshConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A MeshConfig is part of its source's revision: read from mesh.yaml at the root (or --mesh-config), validated like
 * every document, published under {@code MeshConfig//mesh}, and a change of it is a revision like any other.
 */
class MeshConfigRevisionTest {
    private static final String MESH = """
            trustDomain: shop.example.org
            outboundTrafficPolicy: {mode: REGISTRY_ONLY}
            defaultHttpRetryPolicy: {attempts: 3, retryOn: 5xx}
            """;

    private static RevisionOutcome build(Map<String, String> files) {
        return new RevisionBuilder().build("test", null, ConfigLoader.parse(new TreeMap<>(files)));
    }

    private static List<Finding> errors(RevisionOutcome o) {
        assertThat(o).isInstanceOf(RevisionOutcome.Rejected.class);
        return ((RevisionOutcome.Rejected) o).findings().stream().filter(Finding::isError).toList();
    }

    @Test
    void aMeshYamlAtTheRootIsTheRevisionsMeshConfig() {
        RevisionOutcome o = build(Map.of("se.yaml", RevisionBuilderTest.SE, "mesh.yaml", MESH));
        assertThat(o).isInstanceOf(RevisionOutcome.Accepted.class);
        Revision r = ((RevisionOutcome.Accepted) o).revision();
        ConfigCodec.Entry mesh = r.resources().get(MeshConfig.KEY);
        assertThat(mesh).isNotNull();
        assertThat(mesh.origin().file()).isEqualTo("mesh.yaml");
        assertThat(mesh.origin().line()).isEqualTo(1);
        // what goes on strait.config.v1 under MeshConfig//mesh reads back as the same MeshConfig
        ConfigCodec.Entry back = ConfigCodec.decode(ConfigCodec.encode(mesh.resource(), mesh.origin()));
        assertThat(back.resource().key()).hasToString("MeshConfig//mesh");
        assertThat(((MeshConfig) back.resource().spec()).outboundTrafficPolicy().registryOnly()).isTrue();
        assertThat(ConfigCodec.encode(back.resource(), back.origin())).isEqualTo(ConfigCodec.encode(mesh.resource(), mesh.origin()));
    }

    @Test
    void aBadMeshYamlRejectsTheRevisionWithFileLineAndField() {
        List<Finding> errors = errors(build(Map.of("se.yaml", RevisionBuilderTest.SE, "mesh.yaml", """
                trustDomain: Shop_Example
                defaultConfig:
                  discoveryAddress: istiod:port
                outboundTrafficPolicy: {mod: REGISTRY_ONLY}
                """)));
        assertThat(errors).extracting(f -> f.file() + ":" + f.line() + " " + f.field()).containsExactly(
                "mesh.yaml:4 outboundTrafficPolicy.mod");
        List<Finding> rules = errors(build(Map.of("se.yaml", RevisionBuilderTest.SE, "mesh.yaml", """
                trustDomain: Shop_Example
                defaultConfig:
                  discoveryAddress: istiod:port
                """)));
        assertThat(rules).extracting(f -> f.file() + ":" + f.line() + " " + f.field() + ": " + f.message()).containsExactlyInAnyOrder(
                "mesh.yaml:1 trustDomain: trustDomain: trust domain name \"Shop_Example\" invalid",
                "mesh.yaml:3 defaultConfig.discoveryAddress: invalid discovery address: port (port) is not a number: "
                        + "strconv.Atoi: parsing \"port\": invalid syntax");
    }

    @Test
    void aKindlessDocumentAnywhereElseIsStillAnError() {
        List<Finding> errors = errors(build(Map.of("se.yaml", RevisionBuilderTest.SE, "config/mesh.yaml", MESH)));
        assertThat(errors).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo("config/mesh.yaml");
            assertThat(f.message()).contains("apiVersion and kind are required", "mesh.yaml at the source's root");
        });
    }

    @Test
    void aChangedMeshYamlIsANewRevisionThatChangesOneRecord() {
        Revision first = ((RevisionOutcome.Accepted) build(Map.of("se.yaml", RevisionBuilderTest.SE, "mesh.yaml", MESH))).revision();
        Revision second = ((RevisionOutcome.Accepted) build(Map.of("se.yaml", RevisionBuilderTest.SE,
                "mesh.yaml", MESH.replace("attempts: 3", "attempts: 5")))).revision();
        assertThat(second.id()).isNotEqualTo(first.id());
        RevisionDiff diff = RevisionDiff.between(RevisionDiff.comparableOf(first), second);
        assertThat(diff.upserts()).containsOnlyKeys(MeshConfig.KEY);
        assertThat(diff.deletes()).isEmpty();
        Revision without = ((RevisionOutcome.Accepted) build(Map.of("se.yaml", RevisionBuilderTest.SE))).revision();
        assertThat(RevisionDiff.between(RevisionDiff.comparableOf(first), without).deletes()).containsExactly(MeshConfig.KEY);
    }

    @Test
    void meshConfigOptionReplacesTheRootsMeshYaml(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("config"));
        Files.writeString(root.resolve("se.yaml"), RevisionBuilderTest.SE);
        Files.writeString(root.resolve("mesh.yaml"), "rootNamespace: from-folder\n");
        Path option = Files.writeString(dir.resolve("prod-mesh.yaml"), MESH);
        LoadResult loaded = ConfigLoader.load(root, new ParseCache(), option);
        assertThat(loaded.meshConfig()).hasValueSatisfying(m -> assertThat(m.trustDomain()).isEqualTo("shop.example.org"));
        assertThat(loaded.findings()).anySatisfy(f -> {
            assertThat(f.file()).isEqualTo("mesh.yaml");
            assertThat(f.message()).contains("--mesh-config");
        });
        assertThat(new RevisionBuilder().build("test", null, loaded)).isInstanceOf(RevisionOutcome.Accepted.class);
        // inside the folder, the option's file is read once, as the mesh file
        Files.writeString(root.resolve("mesh-prod.yaml"), MESH);
        LoadResult inside = ConfigLoader.load(root, new ParseCache(), root.resolve("mesh-prod.yaml"));
        assertThat(new RevisionBuilder().build("test", null, inside)).isInstanceOf(RevisionOutcome.Accepted.class);
        assertThat(inside.meshConfig()).isPresent();
        // a missing file rejects the revision
        assertThat(errors(new RevisionBuilder().build("test", null, ConfigLoader.load(root, new ParseCache(), dir.resolve("nope.yaml")))))
                .anySatisfy(f -> assertThat(f.message()).contains("no such file"));
    }

    @Test
    void twoMeshConfigsInOneRevisionAreAnError(@TempDir Path dir) throws Exception {
        for (String d : List.of("a", "b")) {
            Files.createDirectories(dir.resolve(d));
            Files.writeString(dir.resolve(d).resolve("mesh.yaml"), MESH);
        }
        LoadResult read = ConfigLoader.parse(ConfigLoader.readPaths(List.of(dir.resolve("a"), dir.resolve("b"))), new ParseCache());
        assertThat(read.findings()).filteredOn(Finding::isError).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("a second MeshConfig"));
    }
}
