package io.strait.xds;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A front's metrics, named as istiod names the same things so existing dashboards map: pushes, bytes pushed and
 * rejects per type, connected proxies, and the convergence time from a config revision's publication to the moment a proxy
 * has ACKed every type built from it.
 */
final class FrontMetrics {
    private final MeterRegistry registry;
    private final Timer convergence;

    FrontMetrics(MeterRegistry registry, Supplier<Number> connectedProxies) {
        this.registry = registry;
        this.convergence = Timer.builder("pilot_proxy_convergence_time")
                .description("Time from a config revision's publication until a proxy has ACKed all it was sent for it")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        Gauge.builder("pilot_xds", connectedProxies).description("Proxies connected to this front").register(registry);
    }

    void pushed(String type, int bytes) {
        Counter.builder("pilot_xds_pushes").tag("type", type).description("xDS responses sent").register(registry).increment();
        io.micrometer.core.instrument.DistributionSummary.builder("pilot_xds_config_size_bytes").tag("type", type)
                .baseUnit("bytes").description("Size of the xDS responses sent").register(registry).record(bytes);
    }

    void rejected(String type) {
        Counter.builder("pilot_total_xds_rejects").tag("type", type).description("xDS responses proxies refused (NACK)")
                .register(registry).increment();
    }

    void converged(long millis) {
        convergence.record(Duration.ofMillis(Math.max(0, millis)));
    }
}
