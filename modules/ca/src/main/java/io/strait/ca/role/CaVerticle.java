package io.strait.ca.role;

import io.micrometer.core.instrument.MeterRegistry;
import io.strait.bus.kafka.BusConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.util.List;

/** The CA role as a verticle: key loading, gRPC and Kafka are blocking, so they start on a worker thread. */
public final class CaVerticle extends VerticleBase {
    private final CaOptions options;
    private final BusConfig bus;
    private final MeterRegistry metrics;
    private CaRole role;

    public CaVerticle(CaOptions options, BusConfig bus, MeterRegistry metrics) {
        this.options = options;
        this.bus = bus;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> role = new CaRole(options, bus, Clock.systemUTC(), List.of(), metrics).start());
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
