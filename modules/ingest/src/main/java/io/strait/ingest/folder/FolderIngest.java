package io.strait.ingest.folder;

import io.strait.bus.envelope.RevisionMarker;
import io.strait.bus.envelope.RevisionStatus;
import io.strait.bus.kafka.BusConfig;
import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.revision.PublishedState;
import io.strait.ingest.revision.RevisionBuilder;
import io.strait.ingest.revision.RevisionDiff;
import io.strait.ingest.revision.RevisionOutcome;
import io.strait.ingest.revision.RevisionPublisher;
import io.strait.model.finding.Finding;
import io.strait.model.istio.ResourceKey;
import java.io.IOException;
import java.nio.file.Path;
import io.strait.ingest.IngestOptions;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder source of the ingest role: on every change of the folder, read it whole, validate it, and publish
 * it as one revision — or reject it whole and leave the live revision in place.
 */
public final class FolderIngest implements AutoCloseable {
    /** Events a person running Strait wants to see (the CLI prints this logger on the console). */
    static final Logger EVENTS = LoggerFactory.getLogger("strait.events");
    private static final Logger LOG = LoggerFactory.getLogger(FolderIngest.class);

    private final BusConfig bus;
    private final Path root;
    private final String source;
    private final Duration debounce;
    /** The file {@code --mesh-config} names, read instead of the root's mesh.yaml; null for none. */
    private final Path meshConfig;
    private final RevisionBuilder builder = new RevisionBuilder();
    /** Only files whose text changed are parsed again on a reconcile. */
    private final io.strait.ingest.load.ParseCache parses = new io.strait.ingest.load.ParseCache();
    /** The comparable form of each parsed resource instance, so an unchanged one is not encoded again per revision. */
    private final java.util.Map<io.strait.model.istio.IstioResource, byte[]> comparables = new java.util.IdentityHashMap<>();
    /** jwksUri keys, fetched here so the translator inlines what the revision carries; refreshed on the resync. */
    private final io.strait.ingest.jwks.JwksKeys jwks;
    private RevisionPublisher publisher;
    private FolderWatcher watcher;
    private Map<ResourceKey, byte[]> published;
    private RevisionStatus status;
    private boolean announced;

    /**
     * @param bus      the Kafka cluster
     * @param root     the folder to watch
     * @param source   the source name recorded in every origin and revision
     * @param debounce quiet time after a change before the folder is read
     */
    public FolderIngest(BusConfig bus, Path root, String source, Duration debounce) {
        this(bus, root, source, debounce, IngestOptions.DEFAULTS);
    }

    /**
     * @param meshConfig a MeshConfig file read with the folder, in place of its root's {@code mesh.yaml}
     *                   ({@code --mesh-config}); null to read the root's
     */
    public FolderIngest(BusConfig bus, Path root, String source, Duration debounce, Path meshConfig) {
        this(bus, root, source, debounce, IngestOptions.DEFAULTS.withMeshConfig(meshConfig));
    }

    /** @param jwksRefresh how old fetched JWKS may grow before the next resync fetches them again */
    public FolderIngest(BusConfig bus, Path root, String source, Duration debounce, Path meshConfig, Duration jwksRefresh) {
        this(bus, root, source, debounce, new IngestOptions(meshConfig, jwksRefresh));
    }

    /** @param options the MeshConfig file and the JWKS refresh interval, as the node's flags set them */
    public FolderIngest(BusConfig bus, Path root, String source, Duration debounce, IngestOptions options) {
        this.jwks = new io.strait.ingest.jwks.JwksKeys(new io.strait.ingest.jwks.JwksFetcher(), options.jwksRefresh(), java.time.Clock.systemUTC());
        this.bus = bus;
        this.root = root.toAbsolutePath().normalize();
        this.source = source;
        this.debounce = debounce;
        this.meshConfig = options.meshConfig() == null ? null : options.meshConfig().toAbsolutePath().normalize();
    }

    /** Reads what the source has live on the bus, publishes the folder if it differs, then watches it. */
    public FolderIngest start() throws Exception {
        PublishedState state = PublishedState.read(bus, source, Duration.ofSeconds(30));
        published = state.resources();
        status = state.status();
        publisher = new RevisionPublisher(bus, source);
        watcher = new FolderWatcher(root, debounce, Duration.ofSeconds(30), this::reconcile);
        if (meshConfig != null && meshConfig.getParent() != null && java.nio.file.Files.isDirectory(meshConfig.getParent())
                && !meshConfig.startsWith(root)) {
            watcher.watchAlso(meshConfig.getParent());
        }
        watcher.runNow();
        watcher.start();
        return this;
    }

    public String source() {
        return source;
    }

    /** Reads the folder and publishes or rejects it. Runs on the watcher's single thread. */
    void reconcile() {
        LoadResult loaded;
        try {
            loaded = ConfigLoader.load(root, parses, meshConfig);
        } catch (IOException e) {
            EVENTS.error("cannot read config folder {}: {}", root, e.getMessage());
            return;
        }
        RevisionOutcome outcome = builder.build(source, null, loaded);
        if (outcome instanceof RevisionOutcome.Accepted valid) {
            // only a valid revision is worth the network: keys join it before it is diffed and published
            outcome = new RevisionOutcome.Accepted(jwks.apply(valid.revision(), loaded));
        }
        try {
            if (publisher == null) {
                publisher = new RevisionPublisher(bus, source); // after a failure: a fresh transactional producer
            }
            if (outcome instanceof RevisionOutcome.Accepted accepted) {
                accept(accepted);
            } else {
                reject((RevisionOutcome.Rejected) outcome);
            }
        } catch (KafkaException e) {
            LOG.error("publishing revision {} of {} failed", outcome.id(), source, e);
            EVENTS.error("revision {} of {} could not be published ({}); retrying on the next change or resync",
                    outcome.id(), source, e.getMessage());
            if (publisher != null) {
                publisher.close();
                publisher = null;
            }
        }
    }

    private void accept(RevisionOutcome.Accepted accepted) {
        RevisionDiff diff = RevisionDiff.between(published, accepted.revision(), comparables);
        String live = status == null ? null : status.liveRevision();
        if (diff.isEmpty() && accepted.id().equals(live)) {
            if (!announced) {
                EVENTS.info("revision {} of {} is live ({} resources, unchanged since it was published)", live, source,
                        accepted.revision().resources().size());
            }
            announced = true;
            return;
        }
        announced = true;
        long now = System.currentTimeMillis();
        int count = accepted.revision().resources().size();
        RevisionMarker marker = new RevisionMarker(source, accepted.id(), count, accepted.id(), diff.size(), now);
        RevisionStatus next = new RevisionStatus(1, source,
                new RevisionStatus.Accepted(accepted.id(), count, diff.size(), now, accepted.revision().warnings()),
                status == null ? null : status.lastRejected());
        publisher.publish(diff, marker, next);
        published = diff.live();
        status = next;
        EVENTS.info("revision {} of {} accepted: {} resources, {} changed", accepted.id(), source, count, diff.size());
        accepted.revision().warnings().forEach(w -> EVENTS.info("  {}", w.describe()));
    }

    private void reject(RevisionOutcome.Rejected rejected) {
        if (status != null && status.lastRejected() != null && status.lastRejected().revision().equals(rejected.id())) {
            return;
        }
        RevisionStatus next = new RevisionStatus(1, source, status == null ? null : status.live(),
                new RevisionStatus.Rejected(rejected.id(), System.currentTimeMillis(), rejected.findings()));
        publisher.publishStatus(next);
        status = next;
        long errors = rejected.findings().stream().filter(Finding::isError).count();
        String live = next.live() == null ? "nothing" : "revision " + next.live().revision();
        EVENTS.warn("revision {} of {} REJECTED ({} error{}); {} stays live:", rejected.id(), source, errors,
                errors == 1 ? "" : "s", live);
        rejected.findings().forEach(f -> EVENTS.warn("  {}", f.describe()));
    }

    @Override
    public void close() throws IOException {
        if (watcher != null) {
            watcher.close();
        }
        if (publisher != null) {
            publisher.close();
        }
    }
}
