package io.strait.ca.role;

import io.micrometer.core.instrument.MeterRegistry;
import io.strait.bus.kafka.BusConfig;
import io.strait.ca.grpc.DeferredServices;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.util.List;

/** The CA role as a verticle: key loading, gRPC and Kafka are blocking, so they start on a worker thread. */
public final class CaVerticle extends VerticleBase {
    private final CaOptions options;
    private final BusConfig bus;
    private final MeterRegistry metrics;
    private final DeferredServices later;
    private CaRole role;

    public CaVerticle(CaOptions options, BusConfig bus, MeterRegistry metrics) {
        this(options, bus, metrics, null);
    }

    /** @param later services that join the secure port once their role is ready (secure xDS); null for none */
    public CaVerticle(CaOptions options, BusConfig bus, MeterRegistry metrics, DeferredServices later) {
        this.options = options;
        this.bus = bus;
        this.metrics = metrics;
        this.later = later;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> role = new CaRole(options, bus, Clock.systemUTC(), List.of(), metrics).withLateServices(later).start());
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
