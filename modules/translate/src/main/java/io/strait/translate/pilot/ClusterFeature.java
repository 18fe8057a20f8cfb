package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.strait.model.proxy.ProxyType;

/** One DestinationRule feature of a cluster (load balancing, circuit breakers, …); one class each. */
interface ClusterFeature {
    void apply(ClusterPolicy policy, ProxyType proxy, Cluster.Builder cluster);
}
