package io.strait.translate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.bus.envelope.ScopeManifest;
import io.strait.translate.janitor.JanitorLedger;
import io.strait.translate.janitor.JanitorPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The race between a translator that counts a resource as published and the janitor tombstoning it as unnamed, on a
 * log kept in memory: records in order, a compacted view (latest per key), a janitor reading it up to where it is, a
 * translator publishing as {@link Translator} does (resources it does not count as published, then the manifest) and
 * following the tombstones as {@link TombstoneFollower} feeds it. The outcome that must never remain: a live manifest
 * naming a key whose latest record is a tombstone.
 */
class JanitorRaceTest {
    private static final Duration RETENTION = Duration.ofMinutes(10);
    private static final long MIN = 60_000;

    /** One record: a resource (value null: a tombstone) or a manifest. */
    private record Entry(String topic, String key, byte[] value, ScopeManifest manifest) {
    }

    /** The bus: one log of the resources and scopes topics, in order. */
    private static final class Log {
        final List<Entry> records = new ArrayList<>();

        void resource(String key, byte[] value) {
            records.add(new Entry("resources", key, value, null));
        }

        void manifest(ScopeManifest m) {
            records.add(new Entry("scopes", m.scope(), null, m));
        }

        /** The compacted view up to {@code upTo}: latest resource per key, latest manifest per scope. */
        Map<String, byte[]> resources(int upTo) {
            Map<String, byte[]> out = new LinkedHashMap<>();
            records.subList(0, upTo).stream().filter(e -> e.topic.equals("resources")).forEach(e -> {
                if (e.value == null) {
                    out.remove(e.key);
                } else {
                    out.put(e.key, e.value);
                }
            });
            return out;
        }

        Map<String, ScopeManifest> manifests(int upTo) {
            Map<String, ScopeManifest> out = new LinkedHashMap<>();
            records.subList(0, upTo).stream().filter(e -> e.topic.equals("scopes")).forEach(e -> out.put(e.key, e.manifest));
            return out;
        }

        int end() {
            return records.size();
        }
    }

    /** A translator's books and its publishing, reduced to what the race is about (as {@link Translator#commit}). */
    private static final class TranslatorModel {
        final PublishedHashes books = new PublishedHashes();
        final Map<String, ScopeManifest> live = new LinkedHashMap<>();
        final Log log;
        int readTombstonesTo;
        long generation;

        TranslatorModel(Log log) {
            this.log = log;
        }

        void publish(String scope, String... hashes) {
            List<String> written = new ArrayList<>();
            for (String h : hashes) {
                if (!books.contains(h) && !written.contains(h)) {
                    log.resource(h, new byte[] {1, (byte) h.hashCode()});
                    written.add(h);
                }
            }
            ScopeManifest m = new ScopeManifest(1, scope, ++generation, Map.of(),
                    Map.of("cds", java.util.Arrays.stream(hashes).map(h -> new ScopeManifest.NamedHash("r-" + h, h)).toList()),
                    List.of(), Map.of(), 0, 0);
            log.manifest(m);
            books.published(written);
            books.replaced(live.put(scope, m), m);
            books.forgetUnnamed(written);
        }

        /** The tombstones after where it read last: forgotten, and those a live manifest names written again. */
        void followTombstones() {
            List<Entry> next = List.copyOf(log.records.subList(readTombstonesTo, log.end()));
            readTombstonesTo = log.end();
            Set<String> lost = new java.util.HashSet<>();
            next.stream().filter(e -> e.topic.equals("resources") && e.value == null).forEach(e -> {
                if (books.tombstoned(e.key)) {
                    lost.add(e.key);
                }
            });
            for (ScopeManifest m : List.copyOf(live.values())) {
                if (m.contentHashes().stream().anyMatch(lost::contains)) {
                    publish(m.scope(), m.contentHashes().toArray(String[]::new));
                }
            }
        }
    }

    /** A janitor that read the log up to {@code upTo} at {@code readAt}, sweeping at {@code now}. */
    private static JanitorPlan janitorDecides(Log log, int upTo, long readAt, long now) {
        JanitorLedger ledger = new JanitorLedger();
        log.resources(upTo).forEach((key, value) -> ledger.resource(key, value, readAt));
        log.manifests(upTo).forEach((scope, m) -> ledger.manifest(scope, m, readAt));
        return ledger.sweep(now, RETENTION);
    }

    private static void assertNoLiveManifestNamesADeletedKey(Log log) {
        Map<String, byte[]> resources = log.resources(log.end());
        log.manifests(log.end()).values().forEach(m ->
                assertThat(resources.keySet()).as("resources of the live manifest of " + m.scope()).containsAll(m.contentHashes()));
    }

    private static TranslatorModel translator(Log log) {
        return new TranslatorModel(log);
    }

    @Test
    void aResourceNamedAgainAsTheJanitorTombstonesItIsWrittenAgain() {
        Log log = new Log();
        TranslatorModel translator = translator(log);
        translator.publish("s", "shared", "old");
        translator.publish("s", "shared");             // old is history now: unnamed, and forgotten by the translator
        int janitorRead = log.end();           // the janitor reads the log to here at minute 0 ...

        // ... and decides at minute 10, while the translator names "old" again (it writes it, as it counts it unpublished)
        JanitorPlan plan = janitorDecides(log, janitorRead, 0, 10 * MIN);
        assertThat(plan.resources()).containsExactly("old");
        translator.publish("s", "shared", "old");
        plan.resources().forEach(h -> log.resource(h, null)); // the tombstone lands after the rewrite

        // the race as it stands: the live manifest names a deleted resource
        assertThat(log.resources(log.end())).doesNotContainKey("old");
        translator.followTombstones();
        assertNoLiveManifestNamesADeletedKey(log);
    }

    @Test
    void aResourceTheTranslatorCountsAsPublishedAndTheJanitorHasNotSeenNamedIsWrittenAgain() {
        Log log = new Log();
        TranslatorModel translator = translator(log);
        translator.publish("a", "x");
        translator.publish("a");                        // x unnamed
        int janitorRead = log.end();
        translator.publish("b", "x");                   // x named again: written, the janitor has not read it
        translator.publish("c", "x");                   // counted as published: not written again
        JanitorPlan plan = janitorDecides(log, janitorRead, 0, 10 * MIN);
        assertThat(plan.resources()).containsExactly("x");
        plan.resources().forEach(h -> log.resource(h, null));
        translator.followTombstones();
        assertNoLiveManifestNamesADeletedKey(log);
        // and from then on the translator does not count on the deleted copy
        assertThat(translator.books.contains("x")).isTrue(); // the rewrite it just made
        assertThat(log.resources(log.end())).containsKey("x");
    }

    @Test
    void withoutFollowingTheTombstonesTheRaceWouldLeaveAManifestNamingADeletedResource() {
        Log log = new Log();
        TranslatorModel translator = translator(log);
        translator.publish("s", "old");
        translator.publish("s");
        int janitorRead = log.end();
        JanitorPlan plan = janitorDecides(log, janitorRead, 0, 10 * MIN);
        translator.publish("s", "old");
        plan.resources().forEach(h -> log.resource(h, null));
        Map<String, byte[]> resources = log.resources(log.end());
        assertThat(log.manifests(log.end()).get("s").contentHashes()).contains("old");
        assertThat(resources).doesNotContainKey("old"); // what followTombstones repairs in the tests above
    }

    @Test
    void aHashWrittenButNamedByNoManifestIsNotCountedAsPublished() {
        PublishedHashes books = new PublishedHashes();
        books.published(List.of("orphan", "named"));
        books.replaced(null, new ScopeManifest(1, "s", 1, Map.of(), Map.of("cds", List.of(new ScopeManifest.NamedHash("r", "named"))),
                List.of(), Map.of(), 0, 0));
        books.forgetUnnamed(List.of("orphan", "named"));
        assertThat(books.contains("orphan")).isFalse();
        assertThat(books.contains("named")).isTrue();
    }

    @Test
    void aTombstonedAssignmentAManifestServesByNameIsReportedLost() {
        PublishedHashes books = new PublishedHashes();
        books.publishedAssignments(Map.of("outbound|80||a", "h1"));
        books.replaced(null, new ScopeManifest(1, "s", 1, Map.of(), Map.of(), List.of("outbound|80||a"), Map.of(), 0, 0));
        assertThat(books.assignmentTombstoned("outbound|80||a")).isTrue();
        assertThat(books.assignmentIs("outbound|80||a", "h1")).isFalse(); // so it is written again
        assertThat(books.assignmentTombstoned("outbound|80||gone")).isFalse();
    }
}
