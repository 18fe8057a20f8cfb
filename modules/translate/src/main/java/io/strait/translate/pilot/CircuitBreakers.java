package io.strait.translate.pilot;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.SelfConfigSource;
import io.strait.model.istio.DestinationRule.ConnectionPool;
import io.strait.model.proxy.ProxyType;

/**
 * {@code connectionPool}: Envoy's circuit breaker thresholds. Requests over {@code http2MaxRequests} fail at once
 * instead of queueing (proxyless gRPC honours this one, gRFC A32); pending requests, connections and concurrent
 * retries are limited for Envoy.
 *
 * <p>gRPC counts a cluster's requests in flight only while it reports the cluster's load (LRS), so a gRPC cluster
 * with a request limit names the management server as its load reporting server; Strait's fronts serve LRS.
 */
final class CircuitBreakers implements ClusterFeature {
    @Override
    public void apply(ClusterPolicy policy, ProxyType proxy, Cluster.Builder cluster) {
        ConnectionPool pool = policy.connectionPool();
        if (pool == null) {
            return;
        }
        io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.Thresholds.Builder t =
                io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.Thresholds.newBuilder().setPriority(RoutingPriority.DEFAULT);
        boolean any = false;
        if (pool.tcp() != null && pool.tcp().maxConnections() != null) {
            t.setMaxConnections(UInt32Value.of(pool.tcp().maxConnections()));
            any = true;
        }
        if (pool.http() != null) {
            if (pool.http().http2MaxRequests() != null) {
                t.setMaxRequests(UInt32Value.of(pool.http().http2MaxRequests()));
                any = true;
            }
            if (pool.http().http1MaxPendingRequests() != null) {
                t.setMaxPendingRequests(UInt32Value.of(pool.http().http1MaxPendingRequests()));
                any = true;
            }
            if (pool.http().maxRetries() != null) {
                t.setMaxRetries(UInt32Value.of(pool.http().maxRetries()));
                any = true;
            }
        }
        if (any) {
            cluster.setCircuitBreakers(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.newBuilder().addThresholds(t));
        }
        if (proxy == ProxyType.GRPC && t.hasMaxRequests()) {
            cluster.setLrsServer(ConfigSource.newBuilder().setSelf(SelfConfigSource.getDefaultInstance()));
        }
    }
}
