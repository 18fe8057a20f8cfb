package io.strait.ingest.folder;

import io.strait.ingest.load.ConfigLoader;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.source.RevisionPipeline;
import java.io.IOException;
import java.nio.file.Path;
import io.strait.ingest.IngestOptions;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * The folder source of the ingest role: on every change of the folder, read it whole and hand it to the shared
 * {@link RevisionPipeline}, which publishes it as one revision (its id the content hash) — or rejects it whole and
 * leaves the live revision in place.
 */
public final class FolderIngest implements AutoCloseable {
    /** Events a person running Strait wants to see (the CLI prints this logger on the console). */
    static final Logger EVENTS = RevisionPipeline.EVENTS;

    private final Path root;
    private final Duration debounce;
    /** The file {@code --mesh-config} names, read instead of the root's mesh.yaml; null for none. */
    private final Path meshConfig;
    /** Only files whose text changed are parsed again on a reconcile. */
    private final io.strait.ingest.load.ParseCache parses = new io.strait.ingest.load.ParseCache();
    private final RevisionPipeline pipeline;
    private FolderWatcher watcher;
    private static final Duration RESYNC = Duration.ofSeconds(30);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    /** How long after a failed publish the folder is read and published again; doubles while the bus refuses. */
    private Duration retry = FIRST_RETRY;

    /**
     * @param bus      the Kafka cluster
     * @param root     the folder to watch
     * @param source   the source name recorded in every origin and revision
     * @param debounce quiet time after a change before the folder is read
     */
    public FolderIngest(io.strait.bus.kafka.BusConfig bus, Path root, String source, Duration debounce) {
        this(bus, root, source, debounce, IngestOptions.DEFAULTS);
    }

    /**
     * @param meshConfig a MeshConfig file read with the folder, in place of its root's {@code mesh.yaml}
     *                   ({@code --mesh-config}); null to read the root's
     */
    public FolderIngest(io.strait.bus.kafka.BusConfig bus, Path root, String source, Duration debounce, Path meshConfig) {
        this(bus, root, source, debounce, IngestOptions.DEFAULTS.withMeshConfig(meshConfig));
    }

    /** @param jwksRefresh how old fetched JWKS may grow before the next resync fetches them again */
    public FolderIngest(io.strait.bus.kafka.BusConfig bus, Path root, String source, Duration debounce, Path meshConfig,
                        Duration jwksRefresh) {
        this(bus, root, source, debounce, new IngestOptions(meshConfig, jwksRefresh));
    }

    /** @param options the MeshConfig file and the JWKS refresh interval, as the node's flags set them */
    public FolderIngest(io.strait.bus.kafka.BusConfig bus, Path root, String source, Duration debounce, IngestOptions options) {
        this(bus, root, source, debounce, options, java.util.List::of);
    }

    /** @param clusterHosts the hosts the clusters' registries publish, known to validation */
    public FolderIngest(io.strait.bus.kafka.BusConfig bus, Path root, String source, Duration debounce, IngestOptions options,
                        java.util.function.Supplier<? extends java.util.Collection<io.strait.ingest.analyze.AnalysisInput.ClusterHost>> clusterHosts) {
        this.pipeline = new RevisionPipeline(bus, source, options.jwksRefresh(), clusterHosts);
        this.root = root.toAbsolutePath().normalize();
        this.debounce = debounce;
        this.meshConfig = options.meshConfig() == null ? null : options.meshConfig().toAbsolutePath().normalize();
    }

    /** Reads what the source has live on the bus, publishes the folder if it differs, then watches it. */
    public FolderIngest start() throws Exception {
        pipeline.start();
        watcher = new FolderWatcher(root, debounce, RESYNC, this::reconcile);
        if (meshConfig != null && meshConfig.getParent() != null && java.nio.file.Files.isDirectory(meshConfig.getParent())
                && !meshConfig.startsWith(root)) {
            watcher.watchAlso(meshConfig.getParent());
        }
        watcher.runNow();
        watcher.start();
        return this;
    }

    public String source() {
        return pipeline.source();
    }

    /** Reads the folder and publishes or rejects it. Runs on the watcher's single thread. */
    void reconcile() {
        LoadResult loaded;
        try {
            loaded = ConfigLoader.load(root, parses, meshConfig);
        } catch (IOException e) {
            java.nio.file.NoSuchFileException gone = FolderWatcher.vanished(e);
            if (gone != null) {
                // a file renamed into place between listing the folder and reading it: the rename is a change, read next
                EVENTS.warn("{} disappeared while {} was read; reading it again on the next change", gone.getFile(), root);
            } else {
                EVENTS.error("cannot read config folder {}: {}", root, e.getMessage());
            }
            return;
        }
        try {
            pipeline.submit(loaded, null, null);
            retry = FIRST_RETRY;
        } catch (RevisionPipeline.PublishFailedException e) {
            // already reported; try again soon by ourselves (a broker that died is replaced within seconds), backing
            // off to the resync interval while the bus stays away; a change in the meantime is read by the same retry
            watcher.runAfter(retry);
            retry = retry.multipliedBy(2).compareTo(RESYNC) > 0 ? RESYNC : retry.multipliedBy(2);
        }
    }

    @Override
    public void close() throws IOException {
        if (watcher != null) {
            watcher.close();
        }
        pipeline.close();
    }
}
