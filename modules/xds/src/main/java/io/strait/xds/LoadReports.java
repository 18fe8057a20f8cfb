package io.strait.xds;

import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterStats;
import io.envoyproxy.envoy.service.load_stats.v3.LoadReportingServiceGrpc;
import io.envoyproxy.envoy.service.load_stats.v3.LoadStatsRequest;
import io.envoyproxy.envoy.service.load_stats.v3.LoadStatsResponse;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Load Reporting Service (LRS) of a front: clients that report load (gRPC does so for clusters that name the
 * management server as {@code lrs_server}) are asked for every cluster every ten seconds, and the requests they
 * report are counted per cluster in the front's metrics. gRPC enforces a cluster's request limit only while it reports its load.
 */
final class LoadReports extends LoadReportingServiceGrpc.LoadReportingServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(LoadReports.class);
    private static final Duration INTERVAL = Duration.newBuilder().setSeconds(10).build();

    private final MeterRegistry metrics;

    /** @param metrics where the reported requests are counted ({@code strait_reported_requests{cluster}}) */
    LoadReports(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    @Override
    public StreamObserver<LoadStatsRequest> streamLoadStats(StreamObserver<LoadStatsResponse> responses) {
        return new StreamObserver<>() {
            private boolean answered;

            @Override
            public void onNext(LoadStatsRequest request) {
                for (ClusterStats stats : request.getClusterStatsList()) {
                    long done = stats.getUpstreamLocalityStatsList().stream().mapToLong(l -> l.getTotalSuccessfulRequests() + l.getTotalErrorRequests()).sum();
                    metrics.counter("strait_reported_requests", "cluster", stats.getClusterName()).increment(done);
                }
                if (!answered) {
                    answered = true;
                    responses.onNext(LoadStatsResponse.newBuilder().setSendAllClusters(true).setLoadReportingInterval(INTERVAL).build());
                }
            }

            @Override
            public void onError(Throwable t) {
                LOG.debug("load report stream ended: {}", t.toString());
            }

            @Override
            public void onCompleted() {
                responses.onCompleted();
            }
        };
    }
}
