package io.strait.xds;

import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterStats;
import io.envoyproxy.envoy.service.load_stats.v3.LoadReportingServiceGrpc;
import io.envoyproxy.envoy.service.load_stats.v3.LoadStatsRequest;
import io.envoyproxy.envoy.service.load_stats.v3.LoadStatsResponse;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Load Reporting Service (LRS) of a front: clients that report load (gRPC does so for clusters that name the
 * management server as {@code lrs_server}) are asked for every cluster every ten seconds, and the requests they
 * report are counted per cluster. gRPC enforces a cluster's request limit only while it reports its load.
 */
final class LoadReports extends LoadReportingServiceGrpc.LoadReportingServiceImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(LoadReports.class);
    private static final Duration INTERVAL = Duration.newBuilder().setSeconds(10).build();

    private final Map<String, LongAdder> completedRequests = new ConcurrentHashMap<>();

    @Override
    public StreamObserver<LoadStatsRequest> streamLoadStats(StreamObserver<LoadStatsResponse> responses) {
        return new StreamObserver<>() {
            private boolean answered;

            @Override
            public void onNext(LoadStatsRequest request) {
                for (ClusterStats stats : request.getClusterStatsList()) {
                    long done = stats.getUpstreamLocalityStatsList().stream().mapToLong(l -> l.getTotalSuccessfulRequests() + l.getTotalErrorRequests()).sum();
                    completedRequests.computeIfAbsent(stats.getClusterName(), k -> new LongAdder()).add(done);
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

    /** Requests completed per cluster, as clients reported them. */
    Map<String, Long> completedRequests() {
        Map<String, Long> out = new java.util.TreeMap<>();
        completedRequests.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
