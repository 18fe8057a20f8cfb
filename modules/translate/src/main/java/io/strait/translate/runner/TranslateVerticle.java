package io.strait.translate.runner;

import io.strait.bus.kafka.BusConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** The translate role as a verticle; its Kafka loops and translation run on their own threads. */
public final class TranslateVerticle extends VerticleBase {
    private final BusConfig bus;
    private final java.time.Duration janitorRetention;
    private final io.micrometer.core.instrument.MeterRegistry metrics;
    private Translator translator;

    /** A translator without the bus janitor. */
    public TranslateVerticle(BusConfig bus) {
        this(bus, java.time.Duration.ZERO, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    /** @param janitorRetention {@code --janitor-retention} (zero: no janitor); see {@link Translator} */
    public TranslateVerticle(BusConfig bus, java.time.Duration janitorRetention, io.micrometer.core.instrument.MeterRegistry metrics) {
        this.bus = bus;
        this.janitorRetention = janitorRetention;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> translator = new Translator(bus, janitorRetention, metrics).start());
    }

    @Override
    public Future<?> stop() {
        return vertx.executeBlocking(() -> {
            if (translator != null) {
                translator.close();
            }
            return null;
        });
    }
}
