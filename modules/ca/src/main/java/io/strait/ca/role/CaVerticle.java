package io.strait.ca.role;

import io.strait.bus.kafka.BusConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.util.List;

/** The CA role as a verticle: key loading, gRPC and Kafka are blocking, so they start on a worker thread. */
public final class CaVerticle extends VerticleBase {
    private final CaOptions options;
    private final BusConfig bus;
    private CaRole role;

    public CaVerticle(CaOptions options, BusConfig bus) {
        this.options = options;
        this.bus = bus;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> role = new CaRole(options, bus, Clock.systemUTC(), List.of()).start());
    }

    @Override
    public Future<?> stop() {
        return vertx.executeBlocking(() -> {
            if (role != null) {
                role.close();
            }
            return null;
        });
    }

    /** The running role, or null before start. */
    public CaRole role() {
        return role;
    }
}
