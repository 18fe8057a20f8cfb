package io.strait.translate.pilot;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.type.v3.Percent;
import io.strait.model.istio.DestinationRule.OutlierDetection;
import io.strait.model.proxy.ProxyType;

/**
 * {@code outlierDetection}: Envoy's outlier detection, with Istio's meaning. A consecutive-error count enables its
 * ejection at 100% enforcement (0 disables it); success-rate ejection, which Envoy enables by default, stays off
 * because Istio's API has no way to tune it; {@code minHealthPercent} becomes the panic threshold (0 when unset, as
 * in Istio, so ejected endpoints stay ejected however many there are).
 *
 * <p>Proxyless gRPC implements only success-rate and failure-percentage ejection (gRFC A50), so a gRPC scope gets
 * the nearest failure-percentage ejection: an endpoint whose calls all failed (above 99%) in an {@code interval}
 * with at least {@code consecutive5xxErrors} calls is ejected. That matches Istio's meaning for an endpoint that
 * fails everything — the outage outlier detection is for — and differs for one that fails only some calls (gRPC
 * never ejects it, Envoy does after that many failures in a row). Ingest says so with a warning.
 */
final class OutlierEjection implements ClusterFeature {
    private static final UInt32Value ENFORCED = UInt32Value.of(100);
    private static final UInt32Value OFF = UInt32Value.of(0);

    @Override
    public void apply(ClusterPolicy policy, ProxyType proxy, Cluster.Builder cluster) {
        OutlierDetection od = policy.outlierDetection();
        if (od == null) {
            return;
        }
        var out = io.envoyproxy.envoy.config.cluster.v3.OutlierDetection.newBuilder().setEnforcingSuccessRate(OFF);
        Integer consecutive5xx = od.consecutive5xxErrors() != null ? od.consecutive5xxErrors() : od.consecutiveErrors();
        if (consecutive5xx != null) {
            out.setConsecutive5Xx(UInt32Value.of(consecutive5xx)).setEnforcingConsecutive5Xx(consecutive5xx > 0 ? ENFORCED : OFF);
        }
        if (od.consecutiveGatewayErrors() != null) {
            out.setConsecutiveGatewayFailure(UInt32Value.of(od.consecutiveGatewayErrors()))
                    .setEnforcingConsecutiveGatewayFailure(od.consecutiveGatewayErrors() > 0 ? ENFORCED : OFF);
        }
        if (Boolean.TRUE.equals(od.splitExternalLocalOriginErrors())) {
            out.setSplitExternalLocalOriginErrors(true).setEnforcingLocalOriginSuccessRate(OFF);
            if (od.consecutiveLocalOriginFailures() != null && od.consecutiveLocalOriginFailures() > 0) {
                out.setConsecutiveLocalOriginFailure(UInt32Value.of(od.consecutiveLocalOriginFailures()))
                        .setEnforcingConsecutiveLocalOriginFailure(ENFORCED);
            }
        }
        if (od.interval() != null) {
            out.setInterval(ProtoDurations.of(od.interval()));
        }
        if (od.baseEjectionTime() != null) {
            out.setBaseEjectionTime(ProtoDurations.of(od.baseEjectionTime()));
        }
        if (od.maxEjectionPercent() != null && od.maxEjectionPercent() > 0) {
            out.setMaxEjectionPercent(UInt32Value.of(od.maxEjectionPercent()));
        }
        if (proxy == ProxyType.GRPC && consecutive5xx != null && consecutive5xx > 0) {
            out.setEnforcingFailurePercentage(ENFORCED).setFailurePercentageThreshold(UInt32Value.of(99))
                    .setFailurePercentageMinimumHosts(UInt32Value.of(1))
                    .setFailurePercentageRequestVolume(UInt32Value.of(consecutive5xx));
        }
        cluster.setOutlierDetection(out);
        int panic = od.minHealthPercent() == null ? 0 : od.minHealthPercent();
        cluster.getCommonLbConfigBuilder().setHealthyPanicThreshold(Percent.newBuilder().setValue(panic));
    }
}
