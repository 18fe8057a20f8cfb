package io.strait.translate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.bus.envelope.ScopeManifest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishedHashesTest {

    private static ScopeManifest manifest(String scope, String... hashes) {
        List<ScopeManifest.NamedHash> named = java.util.Arrays.stream(hashes)
                .map(h -> new ScopeManifest.NamedHash("r-" + h, h)).toList();
        return new ScopeManifest(1, scope, 1, Map.of(), Map.of("cds", named), List.of(), Map.of(), 0, 0);
    }

    @Test
    void remembersOnlyWhatLiveManifestsName() {
        PublishedHashes hashes = new PublishedHashes();
        hashes.published(List.of("a", "b", "c"));
        ScopeManifest s1 = manifest("s1", "a", "b");
        hashes.replaced(null, s1);
        hashes.replaced(null, manifest("s2", "c"));
        assertThat(hashes.size()).isEqualTo(3);

        // revision 2: s1 moved from b to d; b is history now
        hashes.published(List.of("d"));
        hashes.replaced(s1, manifest("s1", "a", "d"));
        assertThat(hashes.contains("b")).isFalse();
        assertThat(hashes.contains("a")).isTrue();
        assertThat(hashes.contains("d")).isTrue();
        assertThat(hashes.size()).isEqualTo(3);
    }

    @Test
    void aDepartedScopeTakesItsOwnHashesButNotSharedOnes() {
        PublishedHashes hashes = new PublishedHashes();
        hashes.published(List.of("shared", "only-s2"));
        hashes.replaced(null, manifest("s1", "shared"));
        ScopeManifest s2 = manifest("s2", "shared", "only-s2");
        hashes.replaced(null, s2);
        hashes.replaced(s2, null);
        assertThat(hashes.contains("shared")).isTrue();
        assertThat(hashes.contains("only-s2")).isFalse();
    }

    @Test
    void neverRemembersWhatWasNotPublished() {
        PublishedHashes hashes = new PublishedHashes();
        hashes.replaced(null, manifest("s1", "x"));
        assertThat(hashes.contains("x")).isFalse();
    }

    @Test
    void remembersAssignmentsByNameWhileAManifestServesThem() {
        PublishedHashes hashes = new PublishedHashes();
        hashes.publishedAssignments(Map.of("outbound|80||a", "h1", "outbound|80||b", "h2"));
        ScopeManifest servesBoth = new ScopeManifest(1, "s1", 1, Map.of(), Map.of(), List.of("outbound|80||a", "outbound|80||b"), Map.of(), 0, 0);
        ScopeManifest servesA = new ScopeManifest(1, "s1", 2, Map.of(), Map.of(), List.of("outbound|80||a"), Map.of(), 0, 0);
        hashes.replaced(null, servesBoth);
        hashes.replaced(servesBoth, servesA);
        assertThat(hashes.assignmentIs("outbound|80||a", "h1")).isTrue();
        assertThat(hashes.assignmentIs("outbound|80||a", "h9")).isFalse();
        assertThat(hashes.assignmentIs("outbound|80||b", "h2")).isFalse();
    }

    @Test
    void aBundledListIsCountedOnceForEveryManifestNamingItAndKeptUntilTheLastGoes() {
        PublishedHashes hashes = new PublishedHashes();
        hashes.published(List.of("a", "b", "e", "bundle-1"));
        List<ScopeManifest.NamedHash> cds = List.of(new ScopeManifest.NamedHash("r-a", "a"), new ScopeManifest.NamedHash("r-b", "b"));
        ScopeManifest one = new ScopeManifest(1, "s1", 1, Map.of(), Map.of("cds", cds), List.of(), Map.of("cds", "bundle-1"), 0, 0);
        // another scope's manifest naming the same bundle: its list is the same content (a copy here)
        ScopeManifest two = new ScopeManifest(1, "s2", 1, Map.of(), Map.of("cds", List.copyOf(cds)), List.of(),
                Map.of("cds", "bundle-1"), 0, 0);
        ScopeManifest other = manifest("s3", "a", "e");
        hashes.replaced(null, one);
        hashes.replaced(null, two);
        hashes.replaced(null, other);
        hashes.replaced(one, null);
        assertThat(hashes.contains("b")).as("s2 still names b through the bundle").isTrue();
        assertThat(hashes.contains("bundle-1")).isTrue();
        hashes.replaced(two, null);
        assertThat(hashes.contains("b")).isFalse();
        assertThat(hashes.contains("bundle-1")).isFalse();
        assertThat(hashes.contains("a")).as("s3 names a inline").isTrue();
        hashes.replaced(other, null);
        assertThat(hashes.size()).isZero();
    }

    @Test
    void aBundledManifestNeverCountedTakesNothingBack() {
        PublishedHashes hashes = new PublishedHashes();
        hashes.published(List.of("a", "bundle-1"));
        hashes.replaced(null, manifest("s1", "a"));
        ScopeManifest stranger = new ScopeManifest(1, "s9", 1, Map.of(),
                Map.of("cds", List.of(new ScopeManifest.NamedHash("r-a", "a"))), List.of(), Map.of("cds", "bundle-1"), 0, 0);
        hashes.replaced(stranger, null);
        assertThat(hashes.contains("a")).as("s1 still names a inline").isTrue();
        hashes.replaced(null, stranger);
        assertThat(hashes.contains("bundle-1")).as("counted from zero, not from below it").isTrue();
    }
}
