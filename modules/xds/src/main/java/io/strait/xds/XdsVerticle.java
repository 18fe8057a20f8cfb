package io.strait.xds;

import io.strait.bus.kafka.BusConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** The xDS front role as a verticle; gRPC and Kafka run on their own threads, started from a worker. */
public final class XdsVerticle extends VerticleBase {
    private final BusConfig bus;
    private final String bindHost;
    private final int port;
    private final String frontId;
    private final io.micrometer.core.instrument.MeterRegistry metrics;
    private final long leaseMillis;
    private final FrontSecurity security;
    private XdsFront front;

    public XdsVerticle(BusConfig bus, String bindHost, int port, String frontId, io.micrometer.core.instrument.MeterRegistry metrics,
                       long leaseMillis) {
        this(bus, bindHost, port, frontId, metrics, leaseMillis, FrontSecurity.plaintextOnly());
    }

    /** @param security the front's ports, identity and secret directory */
    public XdsVerticle(BusConfig bus, String bindHost, int port, String frontId, io.micrometer.core.instrument.MeterRegistry metrics,
                       long leaseMillis, FrontSecurity security) {
        this.security = security;
        this.leaseMillis = leaseMillis;
        this.metrics = metrics;
        this.bus = bus;
        this.bindHost = bindHost;
        this.port = port;
        this.frontId = frontId;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> front = new XdsFront(bus, bindHost, port, frontId, metrics, leaseMillis, security).start());
    }

    @Override
    public Future<?> stop() {
        return vertx.executeBlocking(() -> {
            if (front != null) {
                front.close();
            }
            return null;
        });
    }

    public XdsFront front() {
        return front;
    }
}
