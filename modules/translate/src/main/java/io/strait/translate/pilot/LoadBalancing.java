package io.strait.translate.pilot;

import com.google.protobuf.UInt64Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.strait.model.istio.DestinationRule.ConsistentHash;
import io.strait.model.istio.DestinationRule.LoadBalancer;
import io.strait.model.proxy.ProxyType;

/**
 * {@code loadBalancer}: {@code simple} maps to Envoy's policy of the same meaning, {@code consistentHash} to ring
 * hash or Maglev (the hash key is set on the routes, see {@link SessionAffinity}). Proxyless gRPC supports round
 * robin, least request and ring hash only, and refuses a cluster with any other policy, so a gRPC scope gets the
 * nearest one: round robin for RANDOM and PASSTHROUGH, ring hash for Maglev (ingest warns about it).
 */
final class LoadBalancing implements ClusterFeature {
    @Override
    public void apply(ClusterPolicy policy, ProxyType proxy, Cluster.Builder cluster) {
        LoadBalancer lb = policy.loadBalancer();
        if (lb == null) {
            return;
        }
        boolean grpc = proxy == ProxyType.GRPC;
        ConsistentHash hash = lb.consistentHash();
        if (hash != null) {
            if (hash.maglev() != null && !grpc) {
                cluster.setLbPolicy(Cluster.LbPolicy.MAGLEV);
                if (hash.maglev().tableSize() != null) {
                    cluster.setMaglevLbConfig(Cluster.MaglevLbConfig.newBuilder().setTableSize(UInt64Value.of(hash.maglev().tableSize())));
                }
                return;
            }
            cluster.setLbPolicy(Cluster.LbPolicy.RING_HASH);
            Long ring = hash.ringHash() != null && hash.ringHash().minimumRingSize() != null
                    ? hash.ringHash().minimumRingSize() : hash.minimumRingSize();
            if (ring != null && ring > 0) {
                cluster.setRingHashLbConfig(Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(UInt64Value.of(ring)));
            }
            return;
        }
        String simple = lb.simple() == null ? "UNSPECIFIED" : lb.simple();
        if (simple.equals("PASSTHROUGH") && !grpc) {
            // straight to the address the workload dialled, as Istio does: no endpoints, no balancing
            cluster.setType(Cluster.DiscoveryType.ORIGINAL_DST).clearEdsClusterConfig().clearLoadAssignment()
                    .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED);
            return;
        }
        cluster.setLbPolicy(switch (simple) {
            case "LEAST_REQUEST", "LEAST_CONN" -> Cluster.LbPolicy.LEAST_REQUEST;
            case "RANDOM" -> grpc ? Cluster.LbPolicy.ROUND_ROBIN : Cluster.LbPolicy.RANDOM;
            default -> Cluster.LbPolicy.ROUND_ROBIN;
        });
        if (!grpc) {
            warmup(lb, cluster);
        }
    }

    /**
     * Slow start for new endpoints (Envoy's, on round robin and least request; gRPC has none): {@code warmup}, or
     * the older {@code warmupDurationSecs}, which Istio reads the same way with Envoy's defaults for the rest.
     */
    private static void warmup(LoadBalancer lb, Cluster.Builder cluster) {
        String duration = lb.warmup() != null ? lb.warmup().duration() : lb.warmupDurationSecs();
        if (duration == null) {
            return;
        }
        Cluster.SlowStartConfig.Builder slow = Cluster.SlowStartConfig.newBuilder()
                .setSlowStartWindow(ProtoDurations.of(duration));
        if (lb.warmup() != null && lb.warmup().aggression() != null) {
            slow.setAggression(io.envoyproxy.envoy.config.core.v3.RuntimeDouble.newBuilder()
                    .setDefaultValue(lb.warmup().aggression()).setRuntimeKey("upstream.slow_start.aggression"));
        }
        if (lb.warmup() != null && lb.warmup().minimumPercent() != null) {
            slow.setMinWeightPercent(io.envoyproxy.envoy.type.v3.Percent.newBuilder().setValue(lb.warmup().minimumPercent()));
        }
        if (cluster.getLbPolicy() == Cluster.LbPolicy.LEAST_REQUEST) {
            cluster.setLeastRequestLbConfig(Cluster.LeastRequestLbConfig.newBuilder().setSlowStartConfig(slow));
        } else if (cluster.getLbPolicy() == Cluster.LbPolicy.ROUND_ROBIN) {
            cluster.setRoundRobinLbConfig(Cluster.RoundRobinLbConfig.newBuilder().setSlowStartConfig(slow));
        }
    }
}
