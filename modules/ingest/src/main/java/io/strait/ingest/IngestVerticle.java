package io.strait.ingest;

import io.strait.bus.kafka.BusConfig;
import io.strait.ingest.api.ApiSource;
import io.strait.ingest.folder.FolderIngest;
import io.strait.ingest.git.GitSource;
import io.strait.ingest.git.GitSourceOptions;
import io.strait.ingest.kubernetes.KubernetesClusterOptions;
import io.strait.ingest.kubernetes.KubernetesSources;
import io.strait.ingest.registry.RegistryHosts;
import io.strait.ingest.source.FetchTriggers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The ingest role (Istio's Galley) as a verticle: a folder source and any number of git sources, each publishing its
 * own revisions, started and stopped on a worker thread, and the {@code api} source that {@code strait apply} feeds. Git
 * sources are reachable through {@link #triggers()}, the api source through {@link #api()}.
 */
public final class IngestVerticle extends VerticleBase {
    private final BusConfig bus;
    private final Path folder;
    private final String source;
    private final Path meshConfig;
    private final List<GitSourceOptions> git;
    private final Path dataDir;
    private final List<KubernetesClusterOptions> kubernetes;
    private RegistryHosts registry;
    private KubernetesSources kubernetesSources;
    private final FetchTriggers triggers = new FetchTriggers();
    private final List<GitSource> gitSources = new ArrayList<>();
    private FolderIngest ingest;
    private volatile ApiSource api;

    /**
     * @param bus    the Kafka cluster
     * @param folder the config folder to watch
     * @param source the source name ({@code folder:<name>} by convention)
     */
    public IngestVerticle(BusConfig bus, Path folder, String source) {
        this(bus, folder, source, null);
    }

    /** @param meshConfig the MeshConfig file ({@code --mesh-config}) read instead of the folder's mesh.yaml, or null */
    public IngestVerticle(BusConfig bus, Path folder, String source, Path meshConfig) {
        this(bus, folder, source, meshConfig, List.of(), null);
    }

    /**
     * @param folder  the config folder, or null for git sources only
     * @param git     the git sources
     * @param dataDir where git sources keep their clones ({@code <dataDir>/git/})
     */
    public IngestVerticle(BusConfig bus, Path folder, String source, Path meshConfig, List<GitSourceOptions> git, Path dataDir) {
        this(bus, folder, source, meshConfig, git, dataDir, List.of());
    }

    /** @param kubernetes the clusters whose registries (and, with {@code config=true}, Istio objects) are read */
    public IngestVerticle(BusConfig bus, Path folder, String source, Path meshConfig, List<GitSourceOptions> git, Path dataDir,
                          List<KubernetesClusterOptions> kubernetes) {
        this.kubernetes = List.copyOf(kubernetes);
        this.bus = bus;
        this.folder = folder;
        this.source = source;
        this.meshConfig = meshConfig;
        this.git = List.copyOf(git);
        this.dataDir = dataDir;
    }

    /** The fetch triggers of the git sources (a webhook endpoint calls {@code fetchNow} on them). */
    public FetchTriggers triggers() {
        return triggers;
    }

    /** The api source once started (null before, and after stop): what the admin port's /apply and /delete call. */
    public ApiSource api() {
        return api;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> {
            // the clusters' services are real hosts to validation: read what the bus has of them before the first revision
            registry = new RegistryHosts(bus).start(Duration.ofSeconds(5));
            // first, so that what was applied before a restart is the base of the next apply from the moment it is served
            api = new ApiSource(bus, registry).start();
            if (!kubernetes.isEmpty()) {
                kubernetesSources = KubernetesSources.start(bus, kubernetes, registry);
            }
            if (folder != null) {
                ingest = new FolderIngest(bus, folder, source, Duration.ofMillis(50),
                        io.strait.ingest.IngestOptions.DEFAULTS.withMeshConfig(meshConfig), registry).start();
            }
            for (GitSourceOptions options : git) {
                // start() fetches once: an unreachable repository ends in a rejected status, not a failed start
                GitSource s = new GitSource(bus, options, dataDir, registry).start();
                gitSources.add(s);
                triggers.add(s);
            }
            return null;
        });
    }

    @Override
    public Future<?> stop() {
        return vertx.executeBlocking(() -> {
            for (GitSource s : gitSources) {
                triggers.remove(s);
                s.close();
            }
            if (ingest != null) {
                ingest.close();
            }
            if (kubernetesSources != null) {
                kubernetesSources.close();
            }
            if (registry != null) {
                registry.close();
            }
            ApiSource stopping = api;
            api = null;
            if (stopping != null) {
                stopping.close();
            }
            return null;
        });
    }
}
