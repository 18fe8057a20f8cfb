package io.strait.translate.runner;

import io.strait.bus.kafka.BusConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** The translate role as a verticle; its Kafka loops and translation run on their own threads. */
public final class TranslateVerticle extends VerticleBase {
    private final BusConfig bus;
    private Translator translator;

    public TranslateVerticle(BusConfig bus) {
        this.bus = bus;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> translator = new Translator(bus).start());
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
