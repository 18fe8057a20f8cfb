package io.strait.translate.pilot;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.strait.model.istio.GrpcStatus;
import io.strait.model.istio.VirtualService.HttpFault;
import io.strait.model.istio.VirtualService.HttpRoute;
import io.strait.model.istio.VirtualService.Percent;

/**
 * {@code fault}: the fault filter's per-route configuration (the filter itself sits in the chain, see
 * {@link HttpFilters}). Percentages become parts per million, so 0.1% stays exact; an absent percentage means
 * every request, as in Istio.
 */
final class Faults implements RouteFeature {
    static final String FILTER = "envoy.filters.http.fault";

    @Override
    public void apply(HttpRoute istio, RouteContext ctx, Route.Builder envoy) {
        HttpFault fault = istio.fault();
        if (fault == null || (fault.delay() == null && fault.abort() == null)) {
            return;
        }
        HTTPFault.Builder config = HTTPFault.newBuilder();
        if (fault.delay() != null && fault.delay().fixedDelay() != null) {
            config.setDelay(FaultDelay.newBuilder()
                    .setFixedDelay(ProtoDurations.of(fault.delay().fixedDelay()))
                    .setPercentage(perMillion(fault.delay().percentage())));
        }
        if (fault.abort() != null) {
            FaultAbort.Builder abort = FaultAbort.newBuilder().setPercentage(perMillion(fault.abort().percentage()));
            if (fault.abort().grpcStatus() != null) {
                abort.setGrpcStatus(GrpcStatus.code(fault.abort().grpcStatus()));
            } else if (fault.abort().httpStatus() != null) {
                abort.setHttpStatus(fault.abort().httpStatus());
            }
            config.setAbort(abort);
        }
        envoy.putTypedPerFilterConfig(FILTER, Any.pack(config.build()));
    }

    /** A percentage (absent: 100) as parts per million; shared with mirroring. */
    static FractionalPercent perMillion(Percent percent) {
        double value = percent == null || percent.value() == null ? 100.0 : percent.value();
        return FractionalPercent.newBuilder()
                .setNumerator((int) Math.round(value * 10_000))
                .setDenominator(FractionalPercent.DenominatorType.MILLION)
                .build();
    }
}
