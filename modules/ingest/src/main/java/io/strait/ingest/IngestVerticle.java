package io.strait.ingest;

import io.strait.bus.kafka.BusConfig;
import io.strait.ingest.folder.FolderIngest;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.file.Path;
import java.time.Duration;

/** The ingest role (Istio's Galley) as a verticle: the folder source, started and stopped on a worker thread. */
public final class IngestVerticle extends VerticleBase {
    private final BusConfig bus;
    private final Path folder;
    private final String source;
    private final Path meshConfig;
    private FolderIngest ingest;

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
        this.bus = bus;
        this.folder = folder;
        this.source = source;
        this.meshConfig = meshConfig;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> ingest = new FolderIngest(bus, folder, source, Duration.ofMillis(50), meshConfig).start());
    }

    @Override
    public Future<?> stop() {
        return vertx.executeBlocking(() -> {
            if (ingest != null) {
                ingest.close();
            }
            return null;
        });
    }
}
