package io.strait.ingest.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.load.LoadedResource;
import io.strait.ingest.revision.RevisionBuilder;
import io.strait.ingest.revision.RevisionOutcome;
import io.strait.model.finding.Finding;
import io.strait.model.istio.Origin;
import io.strait.model.istio.ResourceKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The set arithmetic of apply and delete, and the restart round trip through the bus form. */
class ApiDocumentsTest {
    static final String VS = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: %s, namespace: shop}
            spec:
              hosts: [%s]
              http:
              - route:
                - destination: {host: %s}
            """;

    static String vs(String name) {
        return VS.formatted(name, name, name);
    }

    private static List<LoadedResource> read(String file, String text) {
        return ConfigLoader.parse(Map.of(file, text)).resources();
    }

    private static ResourceKey key(String name) {
        return new ResourceKey("VirtualService", "shop", name);
    }

    @Test
    void applyUpsertsByKindNamespaceAndNameAndDeleteRemoves() {
        ApiDocuments one = ApiDocuments.empty().apply(read("a.yaml", vs("cart") + "---\n" + vs("pay")));
        assertThat(one.documents()).containsOnlyKeys(key("cart"), key("pay"));

        ApiDocuments two = one.apply(read("b.yaml", vs("cart")));
        assertThat(two.documents()).containsOnlyKeys(key("cart"), key("pay"));
        assertThat(two.documents().get(key("cart")).document().file()).isEqualTo("b.yaml");
        assertThat(one.documents().get(key("cart")).document().file()).as("values are immutable").isEqualTo("a.yaml");

        ApiDocuments three = two.delete(List.of(key("pay")));
        assertThat(three.documents()).containsOnlyKeys(key("cart"));
        assertThat(three.deleteFindings(List.of(key("pay")), Map.of())).singleElement()
                .satisfies(f -> assertThat(f.message()).startsWith("not found"));
    }

    @Test
    void aBatchMayNotNameAResourceTwiceNorTakeOneOfAnotherSource() {
        List<LoadedResource> batch = read("a.yaml", vs("cart") + "---\n" + vs("cart") + "---\n" + vs("pay"));
        Map<ResourceKey, Origin> others = Map.of(key("pay"), new Origin("folder:config", "abc", "shop/pay.yaml", 3));
        List<Finding> findings = ApiDocuments.applyFindings(batch, others);
        assertThat(findings).extracting(Finding::describe).containsExactly(
                "a.yaml:10: VirtualService shop/cart: is given twice in this apply; a.yaml:1 gives it too: keep one",
                "a.yaml:19: VirtualService shop/pay: is defined by source folder:config (shop/pay.yaml:3); change it there,"
                        + " or delete it there before applying it here");
        assertThat(ApiDocuments.empty().deleteFindings(List.of(key("pay")), others)).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("defined by source folder:config"));
    }

    @Test
    void theSameSetHasTheSameRevisionIdWhetherAppliedOrRecoveredFromTheBus() throws Exception {
        // the repository's own example config: every kind it uses must survive the bus form without new errors
        LoadResult folder = ConfigLoader.load(Path.of("../../config-sources/bookinfo"));
        List<LoadedResource> applied = folder.resources().stream()
                .filter(r -> r.resource().kind() != io.strait.model.istio.Kind.MESH_CONFIG).toList();
        assertThat(applied).isNotEmpty();
        ApiDocuments fresh = ApiDocuments.empty().apply(applied);
        RevisionOutcome first = new RevisionBuilder().build(ApiSource.NAME, null, fresh.load(List.of()));
        assertThat(first).isInstanceOf(RevisionOutcome.Accepted.class);

        List<ConfigCodec.Entry> onTheBus = ((RevisionOutcome.Accepted) first).revision().resources().values().stream()
                .map(e -> ConfigCodec.decode(ConfigCodec.encode(e.resource(), e.origin()))).toList();
        ApiDocuments recovered = ApiDocuments.recovered(onTheBus);
        RevisionOutcome again = new RevisionBuilder().build(ApiSource.NAME, null, recovered.load(List.of()));

        assertThat(again).isInstanceOf(RevisionOutcome.Accepted.class);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(((RevisionOutcome.Accepted) again).revision().warnings()).noneMatch(Finding::isError);
        assertThat(recovered.documents().keySet()).isEqualTo(fresh.documents().keySet());
    }
}
