package io.strait.translate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.bus.envelope.ConfigKey;
import io.strait.bus.envelope.RevisionMarker;
import io.strait.model.istio.IstioResource;
import io.strait.model.istio.Origin;
import io.strait.model.istio.ResourceKey;
import io.strait.translate.pilot.TestMeshes;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The merge of several sources, fed records as they would stand in {@code strait.config.v1}. */
class SourceMergeTest {
    private static final String FOLDER = "folder:config-sources";
    private static final String GIT = "git:https://git.example.com/mesh.git@main";
    private static final ResourceKey REVIEWS = new ResourceKey("ServiceEntry", "bookinfo", "reviews");
    private static final ResourceKey RATINGS = new ResourceKey("ServiceEntry", "bookinfo", "ratings");

    private final SourceMerge merge = new SourceMerge();

    private static IstioResource serviceEntry(String name, int port) {
        return TestMeshes.resources("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: %s, namespace: bookinfo}
                spec:
                  hosts: [%s.bookinfo.svc.cluster.local]
                  ports: [{number: %d, name: http, protocol: HTTP}]
                  resolution: STATIC
                  endpoints: [{address: 10.0.0.1}]
                """.formatted(name, name, port)).get(0);
    }

    private boolean upsert(String source, IstioResource r, String file) {
        return merge.accept(new ConfigKey(r.key(), source).toString(),
                ConfigCodec.encode(r, new Origin(source, "rev", file, 1)));
    }

    private boolean delete(String source, ResourceKey key) {
        return merge.accept(new ConfigKey(key, source).toString(), null);
    }

    private boolean marker(String source, String revision) {
        return merge.accept(RevisionMarker.KEY_PREFIX + source,
                ConfigCodec.encodeMarker(new RevisionMarker(source, revision, 0, "h", 0, 1000L)));
    }

    /** The port of each live ServiceEntry, by name: which copy is live. */
    private Map<String, Integer> ports() {
        return merge.model().resources().stream().collect(Collectors.toMap(r -> r.metadata().name(),
                r -> ((io.strait.model.istio.ServiceEntry) r.spec()).ports().get(0).number()));
    }

    @Test
    void aMarkerAppliesOnlyItsOwnSourcesBufferWhenTransactionsInterleave() {
        upsert(FOLDER, serviceEntry("reviews", 9080), "se.yaml");
        upsert(GIT, serviceEntry("ratings", 9080), "se.yaml");
        assertThat(marker(FOLDER, "f1")).isTrue();
        assertThat(ports()).as("git's record is not live before git's marker").containsOnlyKeys("reviews");
        assertThat(merge.revisions()).containsOnly(Map.entry(FOLDER, "f1"));
        marker(GIT, "c1");
        assertThat(ports()).containsOnlyKeys("reviews", "ratings");
        assertThat(merge.revisions()).containsOnly(Map.entry(FOLDER, "f1"), Map.entry(GIT, "c1"));
    }

    @Test
    void theFirstSourceToDefineAResourceKeepsItAndTheOthersCopyIsReported() {
        upsert(FOLDER, serviceEntry("reviews", 9080), "se.yaml");
        marker(FOLDER, "f1");
        merge.drainChanges();
        upsert(GIT, serviceEntry("reviews", 7000), "mesh/se.yaml");
        marker(GIT, "c1");
        assertThat(ports()).containsOnly(Map.entry("reviews", 9080));
        assertThat(merge.owner(REVIEWS)).isEqualTo(FOLDER);
        assertThat(merge.contested()).containsOnly(Map.entry(REVIEWS, java.util.List.of(FOLDER, GIT)));
        assertThat(merge.drainConflicts()).singleElement().hasToString(
                "ServiceEntry/bookinfo/reviews from " + GIT + " (mesh/se.yaml:1) is ignored: " + FOLDER + " defined it first");
        assertThat(merge.drainChanges()).as("an ignored copy changes nothing").isEmpty();

        // the owner updating its copy keeps its rank; the other source updating its ignored copy changes nothing
        upsert(FOLDER, serviceEntry("reviews", 9081), "se.yaml");
        marker(FOLDER, "f2");
        upsert(GIT, serviceEntry("reviews", 7001), "mesh/se.yaml");
        marker(GIT, "c2");
        assertThat(ports()).containsOnly(Map.entry("reviews", 9081));
        assertThat(merge.drainConflicts()).as("reported when it starts, not on every revision").isEmpty();
    }

    @Test
    void aDeleteByOneSourceNeverRemovesAnothersCopy() {
        upsert(FOLDER, serviceEntry("reviews", 9080), "se.yaml");
        marker(FOLDER, "f1");
        upsert(GIT, serviceEntry("reviews", 7000), "se.yaml");
        upsert(GIT, serviceEntry("ratings", 9080), "se.yaml");
        marker(GIT, "c1");
        merge.drainChanges();

        delete(GIT, REVIEWS);
        marker(GIT, "c2");
        assertThat(ports()).containsOnly(Map.entry("reviews", 9080), Map.entry("ratings", 9080));
        assertThat(merge.drainChanges()).isEmpty();
        assertThat(merge.contested()).isEmpty();

        // a delete of a resource the source never had is a no-op too
        delete(GIT, new ResourceKey("ServiceEntry", "bookinfo", "never"));
        marker(GIT, "c3");
        assertThat(ports()).containsOnlyKeys("reviews", "ratings");
    }

    @Test
    void whenTheOwnerDeletesItsCopyTheNextSourceTakesOver() {
        upsert(FOLDER, serviceEntry("reviews", 9080), "se.yaml");
        marker(FOLDER, "f1");
        upsert(GIT, serviceEntry("reviews", 7000), "se.yaml");
        marker(GIT, "c1");
        merge.drainChanges();
        merge.drainConflicts();

        delete(FOLDER, REVIEWS);
        marker(FOLDER, "f2");
        assertThat(ports()).containsOnly(Map.entry("reviews", 7000));
        assertThat(merge.owner(REVIEWS)).isEqualTo(GIT);
        assertThat(merge.drainChanges()).singleElement().satisfies(c -> {
            assertThat(c.before().spec()).isEqualTo(serviceEntry("reviews", 9080).spec());
            assertThat(c.after().spec()).isEqualTo(serviceEntry("reviews", 7000).spec());
        });

        // the folder defines it again: it now comes second
        upsert(FOLDER, serviceEntry("reviews", 9080), "se.yaml");
        marker(FOLDER, "f3");
        assertThat(ports()).containsOnly(Map.entry("reviews", 7000));
        assertThat(merge.drainConflicts()).singleElement().satisfies(c -> assertThat(c.kept()).isEqualTo(GIT));
    }

    @Test
    void changesSpanEverySourceSinceTheLastModelAndDropWhatCameBackToWhereItWas() {
        upsert(FOLDER, serviceEntry("reviews", 9080), "se.yaml");
        marker(FOLDER, "f1");
        merge.drainChanges();
        upsert(GIT, serviceEntry("ratings", 9080), "se.yaml");
        marker(GIT, "c1");
        delete(GIT, RATINGS);
        marker(GIT, "c2");
        delete(FOLDER, REVIEWS);
        assertThat(marker(FOLDER, "f2")).isTrue();
        assertThat(merge.drainChanges()).singleElement().satisfies(c -> {
            assertThat(c.before().key()).isEqualTo(REVIEWS);
            assertThat(c.after()).isNull();
        });
        assertThat(ports()).isEmpty();
    }

    @Test
    void aRecordWithoutItsSourceInTheKeyIsRefusedNotGuessed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> merge.accept(REVIEWS.toString(), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
