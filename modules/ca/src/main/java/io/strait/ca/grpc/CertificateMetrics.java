package io.strait.ca.grpc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * The CA's metrics, named as istiod's Citadel names them so existing dashboards read them: CSRs received,
 * authentication failures, CSRs refused or failed, certificates issued, and when the root expires.
 */
public final class CertificateMetrics {
    private final Counter csrs;
    private final Counter authFailures;
    private final Counter signErrors;
    private final Counter issued;

    /** @param rootNotAfterSeconds epoch seconds at which the current root expires */
    public CertificateMetrics(MeterRegistry registry, Supplier<Long> rootNotAfterSeconds) {
        csrs = Counter.builder("citadel_server_csr_count").description("CSRs received by the CA").register(registry);
        authFailures = Counter.builder("citadel_server_authentication_failure_count")
                .description("CSRs refused because the caller was not authenticated").register(registry);
        signErrors = Counter.builder("citadel_server_csr_sign_err_count")
                .description("CSRs refused (malformed, another identity, TTL over the maximum) or failed to sign").register(registry);
        issued = Counter.builder("citadel_server_success_cert_issuance_count").description("Certificates issued").register(registry);
        Gauge.builder("citadel_server_root_cert_expiry_timestamp", () -> rootNotAfterSeconds.get().doubleValue())
                .description("Epoch seconds at which the CA's root certificate expires").register(registry);
    }

    void received() {
        csrs.increment();
    }

    void unauthenticated() {
        authFailures.increment();
    }

    void refused() {
        signErrors.increment();
    }

    void issued() {
        issued.increment();
    }
}
