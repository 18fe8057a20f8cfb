package io.strait.ingest.api;

import io.strait.bus.envelope.ConfigCodec;
import io.strait.bus.kafka.BusConfig;
import io.strait.bus.kafka.TopicSnapshot;
import io.strait.bus.topic.Topics;
import io.strait.ingest.jwks.JwksKeys;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.load.ParseCache;
import io.strait.ingest.source.RevisionPipeline;
import io.strait.model.finding.Finding;
import io.strait.model.istio.Origin;
import io.strait.model.istio.ResourceKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code api} source: config sent over the admin port by {@code strait apply} and {@code strait delete}, for people
 * without a git repository. Each apply or delete computes the next document set ({@link ApiDocuments}) and hands it
 * whole to the shared {@link RevisionPipeline}, so one request is one revision or nothing, exactly as a folder change
 * or a commit is. Requests are serialized: the pipeline and the set belong to one request at a time.
 *
 * <p>The set lives on the bus only: at start it is read back from {@code strait.config.v1}, so a restarted ingest keeps
 * what was applied.
 */
public final class ApiSource implements AutoCloseable {
    /** The source name in every origin, marker and status of what was applied. */
    public static final String NAME = "api";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final BusConfig bus;
    private final RevisionPipeline pipeline;
    private ApiDocuments current;

    /** @param bus the Kafka cluster */
    public ApiSource(BusConfig bus) {
        this(bus, java.util.List::of);
    }

    /** @param clusterHosts the hosts the clusters' registries publish, known to validation */
    public ApiSource(BusConfig bus, java.util.function.Supplier<? extends java.util.Collection<io.strait.ingest.analyze.AnalysisInput.ClusterHost>> clusterHosts) {
        this.bus = bus;
        this.pipeline = new RevisionPipeline(bus, NAME, JwksKeys.DEFAULT_REFRESH, clusterHosts);
    }

    /** Reads back what the source has live on the bus; publishes nothing. */
    public synchronized ApiSource start() {
        pipeline.start();
        List<ConfigCodec.Entry> mine = new ArrayList<>();
        liveConfig().forEach((key, entry) -> {
            if (NAME.equals(key.source())) {
                mine.add(entry);
            }
        });
        current = ApiDocuments.recovered(mine);
        return this;
    }

    /**
     * Upserts the documents of {@code files} (name as the client sent it → YAML text) and publishes the result as one
     * revision, or rejects it with findings located in those files and changes nothing.
     *
     * @throws RevisionPipeline.PublishFailedException when the bus refused the write; the set is unchanged
     */
    public synchronized RevisionPipeline.Submitted apply(Map<String, String> files) {
        LoadResult batch = ConfigLoader.parse(new TreeMap<>(files), new ParseCache(), Set.of());
        List<Finding> findings = new ArrayList<>(batch.findings());
        if (batch.resources().isEmpty() && findings.stream().noneMatch(Finding::isError)) {
            findings.add(new Finding(Finding.Level.ERROR, ApiDocuments.CODE, null, 0, null, null,
                    "nothing to apply: the request holds no Istio config document (" + files.size() + " file(s))"));
        }
        findings.addAll(ApiDocuments.applyFindings(batch.resources(), othersLive()));
        return submit(current.apply(batch.resources()), findings);
    }

    /**
     * Removes {@code keys} and publishes the result as one revision; rejected whole if any key is not this source's.
     *
     * @throws RevisionPipeline.PublishFailedException when the bus refused the write; the set is unchanged
     */
    public synchronized RevisionPipeline.Submitted delete(List<ResourceKey> keys) {
        List<Finding> findings = new ArrayList<>(current.deleteFindings(keys, othersLive()));
        if (keys.isEmpty()) {
            findings.add(new Finding(Finding.Level.ERROR, ApiDocuments.CODE, null, 0, null, null, "nothing to delete: no resource named"));
        }
        return submit(current.delete(keys), findings);
    }

    private RevisionPipeline.Submitted submit(ApiDocuments next, List<Finding> findings) {
        RevisionPipeline.Submitted result = pipeline.submit(next.load(findings), null, null);
        if (result.accepted()) {
            current = next; // only a published set becomes the base of the next request
        }
        return result;
    }

    /** Where each resource of another source lives; read per request, because those sources publish on their own. */
    private Map<ResourceKey, Origin> othersLive() {
        Map<ResourceKey, Origin> out = new TreeMap<>();
        liveConfig().forEach((key, entry) -> {
            if (!NAME.equals(key.source())) {
                out.putIfAbsent(key.resource(), entry.origin());
            }
        });
        return out;
    }

    /** Every source's live records, by record key ({@code Kind/namespace/name@source}: one per source and resource). */
    private Map<io.strait.bus.envelope.ConfigKey, ConfigCodec.Entry> liveConfig() {
        Map<io.strait.bus.envelope.ConfigKey, ConfigCodec.Entry> out = new java.util.LinkedHashMap<>();
        TopicSnapshot.read(bus, Topics.CONFIG, READ_TIMEOUT).forEach((key, value) -> {
            if (!ConfigCodec.isMarkerKey(key) && value != null) {
                try {
                    out.put(io.strait.bus.envelope.ConfigKey.parse(key), ConfigCodec.decode(value));
                } catch (IllegalArgumentException e) {
                    // a record of an older key format: the translator refuses it too, so it is no one's live config
                }
            }
        });
        return out;
    }

    @Override
    public synchronized void close() {
        pipeline.close();
    }
}
