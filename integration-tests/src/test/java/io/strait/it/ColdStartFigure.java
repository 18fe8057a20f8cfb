package io.strait.it;

import static org.awaitility.Awaitility.await;

import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.bus.topic.Topics;
import io.strait.cli.runtime.NodeOptions;
import io.strait.cli.runtime.Role;
import io.strait.cli.runtime.StraitNode;
import io.strait.translate.janitor.BusJanitor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's cold start: a front started in its own JVM ({@code strait run xds}, the packaged jar) against a bus that
 * carries a 1,000-service mesh (no Sidecars: the proxy's scope sees every service) after 1,000 revisions, each moving
 * one service's route weights, so every revision wrote a new route configuration: {@link #REVISIONS} through the
 * whole pipeline, the rest replayed at the translator's output ({@link #REPLAYED}). Timed from the process start to
 * {@code /readyz} 200 (the front binds its ports only once it has read the bus to its end) and to an Envoy-style
 * sidecar follower ACKing the full config (CDS, EDS, LDS and RDS at the versions a follower on the running front
 * holds). Beside it, the bytes a front reads from the xDS topics (every record from the start, keys and values) and
 * the live set's (the latest value per key).
 *
 * <p>Same history, twice: first with compaction forced but no janitor (the baseline: content-addressed keys are never
 * superseded, so compaction alone removes nothing of the history), then after the {@link BusJanitor} — the class the
 * translator holding partition 0 runs — has tombstoned what no manifest names for 2 s and compaction has run again.
 * Compaction is forced by lowering the topics' segment.ms / max.compaction.lag.ms / min.cleanable.dirty.ratio for the
 * run (the embedded broker's cleaner backs off 1 s) and appending one tombstone per partition to roll the active
 * segment.
 *
 * <p>After the janitor, the same start again with a class-data archive, as the {@code strait} launcher runs a role
 * (its first {@code up} or {@code run} writes one when it exits): the janitor row's front writes it
 * ({@code -XX:ArchiveClassesAtExit}, after its times are taken), a second front maps it, and the empty-bus floor is
 * measured again with it. Not a {@code *Test}: it runs only when named.
 */
class ColdStartFigure {
    private static final int SERVICES = Integer.getInteger("strait.figure.services", 1_000);
    private static final int NAMESPACES = Integer.getInteger("strait.figure.namespaces", 50);
    /** Revisions through the whole pipeline (folder → ingest → translator → bus). */
    private static final int REVISIONS = Integer.getInteger("strait.figure.revisions", 20);
    /**
     * Revisions replayed at the translator's output, up to 1,000 in all: each a new route configuration (one service's
     * weights moved) and the scope's manifest naming it, as the translator writes them; the last names the translator's
     * own again. On this machine a revision of a 1,000-service scope takes the translator 2–6 s, so 1,000 of them
     * through the pipeline would take an hour; what a starting front reads is the same either way.
     */
    private static final int REPLAYED = Integer.getInteger("strait.figure.replayed", 1_000 - REVISIONS);
    private static final Duration RETENTION = Duration.ofSeconds(2);
    private static final List<String> XDS_TOPICS = List.of(Topics.XDS_RESOURCES, Topics.XDS_SCOPES, Topics.XDS_ENDPOINTS);
    private final Map<Integer, Integer> weights = new HashMap<>();

    @Test
    void aFrontsColdStartAfterAThousandRevisions(@TempDir Path tmp) throws Exception {
        Path config = Files.createDirectories(tmp.resolve("config"));
        for (int i = 0; i < SERVICES; i++) {
            write(config, i);
        }
        List<String> rows = new ArrayList<>();
        rows.add(emptyBus(tmp, "empty bus (the floor)", List.of()));
        Path archive = tmp.resolve("strait-cli.jsa");
        try (StraitNode node = new StraitNode(new NodeOptions(EnumSet.of(Role.INGEST, Role.TRANSLATE, Role.XDS), null, 0,
                tmp.resolve("data"), config, "127.0.0.1", EmbeddedKafka.freePort(), -1, "front-live",
                BusConfig.DEFAULT_GROUP_SESSION_TIMEOUT_MS)).start();
             SidecarFollower reference = new SidecarFollower(node.xdsPort(), "ns-0", "app")) {
            BusConfig bus = node.bus();
            await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(200))
                    .until(() -> reference.count(SidecarFollower.CDS) >= SERVICES && reference.versions().size() == 4);
            System.out.printf("mesh of %d services served: %d clusters, %d listeners, %d route configs%n", SERVICES,
                    reference.count(SidecarFollower.CDS), reference.count(SidecarFollower.LDS), reference.count(SidecarFollower.RDS));

            long start = System.nanoTime();
            for (int r = 1; r <= REVISIONS; r++) { // through folder → ingest → translator → bus → front
                String before = reference.versions().get(SidecarFollower.RDS);
                int service = (r * 7) % SERVICES;
                weights.put(service, 1 + (weights.getOrDefault(service, 90) + 7) % 98);
                write(config, service);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                        .until(() -> !before.equals(reference.versions().get(SidecarFollower.RDS)));
                if (r % 100 == 0) {
                    System.out.printf("%d revisions served (%.1f s)%n", r, (System.nanoTime() - start) / 1e9);
                }
            }
            Map<String, String> live = reference.versions();
            replay(bus);
            Bytes history = bytes(bus);
            System.out.printf("after %d revisions: the xDS topics hold %s%n", REVISIONS + REPLAYED, history);

            forceCompaction(bus);
            Bytes compacted = awaitCleaned(bus, history.total);
            rows.add(coldStart("compaction, no janitor", tmp.resolve("front-baseline"), bus, live, compacted, List.of()));

            var metrics = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            try (BusJanitor janitor = new BusJanitor(bus, RETENTION, metrics, System::currentTimeMillis).start()) {
                // every key of the history was read at about the same time: a sweep or two after the retention takes them all
                await().atMost(Duration.ofSeconds(120)).until(() -> tombstones(metrics) > 0);
                Bytes swept = awaitCleaned(bus, compacted.total);
                System.out.printf("the janitor wrote %.0f tombstones%n", tombstones(metrics));
                rows.add(coldStart("janitor (2 s retention) + compaction", tmp.resolve("front-janitor"), bus, live, swept,
                        List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off")));
                rows.add(coldStart("janitor + compaction, class-data archive", tmp.resolve("front-janitor-cds"), bus, live, swept,
                        withArchive(archive)));
            }
        }
        rows.add(emptyBus(tmp, "empty bus, class-data archive", withArchive(archive)));
        System.out.println("| bus after " + (REVISIONS + REPLAYED) + " revisions | read from the xDS topics | live set | ratio "
                + "| front's catch-up (its log) | start → /readyz 200 | start → full config ACKed |");
        System.out.println("|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** The JVM options that map the class-data archive a front wrote at its exit (none if it wrote none). */
    private static List<String> withArchive(Path archive) {
        if (!Files.isRegularFile(archive)) {
            System.out.println("no class-data archive was written at " + archive);
            return List.of();
        }
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off");
    }

    /** The floor: a front's start on a bus with the topics and nothing on them (JVM, roles, consumer, ports). */
    private static String emptyBus(Path tmp, String label, List<String> jvm) throws Exception {
        Path dir = tmp.resolve("empty-" + label.hashCode());
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("broker"), 0).start()) {
            BusConfig bus = new BusConfig(kafka.bootstrapServers(), "figure");
            try (Admin admin = Admin.create(bus.admin())) {
                io.strait.bus.topic.TopicInstaller.ensure(admin, io.strait.bus.topic.TopicDefinition.all(), (short) 1);
            }
            return coldStart(label, dir.resolve("front"), bus, null, new Bytes(0, 0, 0, 0), jvm);
        }
    }

    /**
     * Replays {@link #REPLAYED} revisions at the translator's output: per revision a route configuration with one
     * virtual host's weights moved (a new content hash) and the scope's manifest naming it; the last manifest names
     * the translator's own route configuration again, so the bus ends where the translator's books are.
     */
    private static void replay(BusConfig bus) throws Exception {
        Map<String, byte[]> scopes = io.strait.bus.kafka.TopicSnapshot.read(bus, Topics.XDS_SCOPES, Duration.ofSeconds(30));
        Map<String, byte[]> resources = io.strait.bus.kafka.TopicSnapshot.read(bus, Topics.XDS_RESOURCES, Duration.ofSeconds(60));
        String rds = io.strait.bus.wire.XdsType.RDS.typeUrl();
        io.strait.bus.envelope.ScopeManifest base = scopes.values().stream()
                .map(v -> io.strait.model.json.Json.read(v, io.strait.bus.envelope.ScopeManifest.class))
                .filter(m -> m.resources().containsKey(rds) && !m.bundles().containsKey(rds)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no manifest with its route configurations inline"));
        List<io.strait.bus.envelope.ScopeManifest.NamedHash> routes = base.resources().get(rds);
        io.strait.bus.envelope.ScopeManifest.NamedHash biggest = routes.stream()
                .max(java.util.Comparator.comparingInt(r -> resources.get(r.hash()).length)).orElseThrow();
        io.envoyproxy.envoy.config.route.v3.RouteConfiguration original = (io.envoyproxy.envoy.config.route.v3.RouteConfiguration)
                io.strait.bus.wire.ResourceCodec.decode(resources.get(biggest.hash()));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(bus.producer("figure-replay", null))) {
            for (int r = 1; r <= REPLAYED + 1; r++) {
                String hash = biggest.hash();
                if (r <= REPLAYED) {
                    var config = original.toBuilder();
                    int vh = r % config.getVirtualHostsCount();
                    var route = config.getVirtualHostsBuilder(vh).getRoutesBuilder(0).getRouteBuilder().getWeightedClustersBuilder();
                    if (route.getClustersCount() >= 2) {
                        int w = 1 + r % 98;
                        route.getClustersBuilder(0).getWeightBuilder().setValue(w);
                        route.getClustersBuilder(1).getWeightBuilder().setValue(100 - w);
                    } else {
                        config.getVirtualHostsBuilder(vh).setName(config.getVirtualHosts(vh).getName() + "~" + r);
                    }
                    byte[] bytes = io.strait.bus.wire.ContentHash.serialize(config.build());
                    hash = io.strait.bus.wire.ContentHash.of(bytes);
                    producer.send(new ProducerRecord<>(Topics.XDS_RESOURCES, hash, io.strait.bus.wire.ResourceCodec.encode(bytes)));
                }
                String named = hash;
                Map<String, List<io.strait.bus.envelope.ScopeManifest.NamedHash>> byType = new java.util.TreeMap<>(base.resources());
                byType.put(rds, routes.stream().map(n -> n.name().equals(biggest.name())
                        ? new io.strait.bus.envelope.ScopeManifest.NamedHash(n.name(), named) : n).toList());
                var manifest = new io.strait.bus.envelope.ScopeManifest(base.v(), base.scope(), base.generation() + r, base.revisions(),
                        byType, base.endpoints(), base.bundles(), System.currentTimeMillis(), base.revisionAt());
                producer.send(new ProducerRecord<>(Topics.XDS_SCOPES, base.scope(), io.strait.model.json.Json.write(manifest)));
            }
            producer.flush();
        }
    }

    private static double tombstones(io.micrometer.core.instrument.MeterRegistry metrics) {
        return metrics.find("strait.janitor.tombstones").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    /** One cold start: a front in its own JVM ({@code jvm}: more options for it), timed to /readyz and to a follower holding the live config. */
    private static String coldStart(String label, Path dir, BusConfig bus, Map<String, String> live, Bytes read, List<String> jvm)
            throws Exception {
        int xdsPort = EmbeddedKafka.freePort();
        int adminPort = EmbeddedKafka.freePort();
        long start = System.nanoTime();
        try (RoleProcess front = new RoleProcess("xds", dir, jvm, List.of("--kafka", bus.bootstrapServers(), "--xds-port",
                String.valueOf(xdsPort), "--admin-port", String.valueOf(adminPort), "--front-id", "front-" + dir.getFileName(),
                "--data-dir", dir.toString()), Map.of())) {
            HttpClient http = HttpClient.newHttpClient();
            try {
                awaitReady(http, adminPort);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                String out = front.output();
                String row = String.format("| %s | %.1f MB (%d records) | %.1f MB (%d keys) | %.2f | never (%s) | not within 180 s | – |",
                        label, read.total / 1e6, read.records, read.live / 1e6, read.keys, (double) read.total / read.live,
                        out.contains("OutOfMemoryError") ? "OutOfMemoryError with -Xmx512m" : "still catching up");
                System.out.println(row);
                return row;
            }
            long ready = System.nanoTime();
            long acked = ready;
            if (live != null) {
                try (SidecarFollower follower = new SidecarFollower(xdsPort, "ns-0", "app")) {
                    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10)).until(() -> follower.holdsSameAs(live));
                }
                acked = System.nanoTime();
            }
            java.util.regex.Matcher catchUp = java.util.regex.Pattern.compile("read the xDS topics to their end in (\\d+) ms: (\\d+) records, (\\d+) bytes")
                    .matcher(front.output());
            String caughtUp = catchUp.find() ? String.format("%s ms, %.1f MB", catchUp.group(1), Long.parseLong(catchUp.group(3)) / 1e6) : "?";
            String row = String.format("| %s | %.1f MB (%d records) | %.1f MB (%d keys) | %s | %s | %.2f s | %s |", label,
                    read.total / 1e6, read.records, read.live / 1e6, read.keys,
                    read.live == 0 ? "–" : String.format("%.2f", (double) read.total / read.live), caughtUp,
                    (ready - start) / 1e9, live == null ? "–" : String.format("%.2f s", (acked - start) / 1e9));
            System.out.println(row);
            return row;
        }
    }

    /** /readyz 200: the front binds its ports (and the admin port opens) only once it has read the bus to its end. */
    private static void awaitReady(HttpClient http, int adminPort) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() ->
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/readyz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    /** Lowers the xDS topics' compaction settings for the run and rolls their active segments. */
    private static void forceCompaction(BusConfig bus) throws Exception {
        try (Admin admin = Admin.create(bus.admin())) {
            Map<ConfigResource, java.util.Collection<AlterConfigOp>> changes = new HashMap<>();
            for (String topic : XDS_TOPICS) {
                changes.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                        set("segment.ms", "1000"), set("max.compaction.lag.ms", "1000"), set("min.cleanable.dirty.ratio", "0.01"),
                        set("delete.retention.ms", "1000")));
            }
            admin.incrementalAlterConfigs(changes).all().get();
        }
    }

    private static AlterConfigOp set(String key, String value) {
        return new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET);
    }

    /**
     * Rolls the active segments (a tombstone of a key no one uses, per partition, once segment.ms has passed) until the
     * cleaner has run: the topics' bytes stop falling, below {@code before}.
     */
    private static Bytes awaitCleaned(BusConfig bus, long before) throws Exception {
        Bytes[] last = {null};
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(bus.producer("figure-roll", null))) {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(3)).until(() -> {
                for (String topic : XDS_TOPICS) {
                    for (var p : producer.partitionsFor(topic)) {
                        producer.send(new ProducerRecord<>(topic, p.partition(), "figure-roll-" + p.partition(), null));
                    }
                }
                producer.flush();
                Bytes now = bytes(bus);
                boolean settled = last[0] != null && now.total < before && now.total == last[0].total;
                last[0] = now;
                return settled;
            });
        }
        System.out.printf("cleaned: %s%n", last[0]);
        return last[0];
    }

    /** What a reader from the start reads of the xDS topics, and the live set: the latest manifests and what they name. */
    record Bytes(long total, long records, long live, long keys) {
        @Override
        public String toString() {
            return String.format("%.1f MB in %d records, live set %.1f MB in %d keys (%.2fx)", total / 1e6, records, live / 1e6, keys,
                    (double) total / live);
        }
    }

    private static Bytes bytes(BusConfig bus) {
        long total = 0;
        long records = 0;
        Map<String, Long> latest = new HashMap<>();
        Map<String, byte[]> manifests = new HashMap<>();
        Map<String, byte[]> bundles = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(bus.consumer("figure-bytes", null))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : XDS_TOPICS) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    long size = r.serializedKeySize() + Math.max(0, r.serializedValueSize());
                    total += size;
                    records++;
                    String key = r.topic() + "/" + r.key();
                    if (r.value() == null) {
                        latest.remove(key);
                        manifests.remove(r.key());
                        bundles.remove(r.key());
                    } else {
                        latest.put(key, size);
                        if (r.topic().equals(Topics.XDS_SCOPES)) {
                            manifests.put(r.key(), r.value());
                        } else if (r.topic().equals(Topics.XDS_RESOURCES) && io.strait.bus.envelope.ResourceBundle.isBundle(r.value())) {
                            bundles.put(r.key(), r.value());
                        }
                    }
                }
            }
        }
        // the live set: the latest manifests and what they name, bundles' entries included
        java.util.Set<String> named = new java.util.HashSet<>();
        for (Map.Entry<String, byte[]> m : manifests.entrySet()) {
            named.add(Topics.XDS_SCOPES + "/" + m.getKey());
            var manifest = io.strait.model.json.Json.read(m.getValue(), io.strait.bus.envelope.ScopeManifest.class);
            manifest.contentHashes().forEach(h -> named.add(Topics.XDS_RESOURCES + "/" + h));
            manifest.endpoints().forEach(c -> named.add(Topics.XDS_ENDPOINTS + "/" + c));
            for (String b : manifest.bundles().values()) {
                if (bundles.containsKey(b)) {
                    var bundle = io.strait.bus.envelope.ResourceBundle.decode(bundles.get(b));
                    bundle.entries().forEach(e -> named.add(Topics.XDS_RESOURCES + "/" + e.hash()));
                    bundle.names().forEach(c -> named.add(Topics.XDS_ENDPOINTS + "/" + c));
                }
            }
        }
        long live = named.stream().mapToLong(k -> latest.getOrDefault(k, 0L)).sum();
        return new Bytes(total, records, live, named.size());
    }

    /** One service: a ServiceEntry with two endpoints, a DestinationRule with two subsets, routes split between them. */
    private void write(Path dir, int i) throws Exception {
        String ns = "ns-" + (i % NAMESPACES);
        String host = "svc-" + i + "." + ns + ".svc.cluster.local";
        int weight = weights.getOrDefault(i, 90);
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: svc-%1$d, namespace: %2$s}
                spec:
                  hosts: [%3$s]
                  ports: [{number: 8080, name: http, protocol: HTTP}]
                  resolution: STATIC
                  endpoints:
                  - {address: 10.%4$d.%5$d.1, labels: {version: v1}}
                  - {address: 10.%4$d.%5$d.2, labels: {version: v2}}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: svc-%1$d, namespace: %2$s}
                spec:
                  hosts: [%3$s]
                  http:
                  - route:
                    - {destination: {host: %3$s, subset: v1}, weight: %6$d}
                    - {destination: {host: %3$s, subset: v2}, weight: %7$d}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: svc-%1$d, namespace: %2$s}
                spec:
                  host: %3$s
                  subsets:
                  - {name: v1, labels: {version: v1}}
                  - {name: v2, labels: {version: v2}}
                """.formatted(i, ns, host, i / 250, i % 250, weight, 100 - weight);
        Path tmp = dir.resolve(".svc-" + i + ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, dir.resolve("svc-" + i + ".yaml"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
