package io.strait.it;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.strait.cli.bootstrap.EnvoyBootstrap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An Envoy sidecar as far as xDS goes, over one ADS stream: every cluster and listener, then the endpoints of its EDS
 * clusters and the route configurations its listeners name, each response ACKed at once. It records the version it
 * ACKed last per type; versions are content hashes, the same on every front, so two followers of the same scope on
 * two fronts hold the same config exactly when their versions are equal.
 */
final class SidecarFollower implements AutoCloseable {
    static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
    static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
    static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

    private final ManagedChannel channel;
    private final Node node;
    private final StreamObserver<DiscoveryRequest> requests;
    private final Map<String, String> acked = new ConcurrentHashMap<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private volatile List<String> edsNames = List.of();
    private volatile List<String> rdsNames = List.of();

    SidecarFollower(int port, String namespace, String app) {
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        this.node = EnvoyBootstrap.sidecarNode("10.0.0.1", app + "-0", namespace, Map.of("app", app));
        this.requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryResponse response) {
                onResponse(response);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        send(CDS, List.of(), "", "");
        send(LDS, List.of(), "", "");
    }

    /** The version ACKed last per type URL. */
    Map<String, String> versions() {
        return Map.copyOf(acked);
    }

    /** How many resources the last ACKed response of a type held. */
    int count(String type) {
        return counts.getOrDefault(type, 0);
    }

    /** Whether it ACKed all four types, at the versions {@code reference} ACKed. */
    boolean holdsSameAs(Map<String, String> reference) {
        return reference.keySet().containsAll(Set.of(CDS, EDS, LDS, RDS)) && versions().equals(reference);
    }

    private synchronized void send(String type, List<String> names, String version, String nonce) {
        requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type).addAllResourceNames(names)
                .setVersionInfo(version).setResponseNonce(nonce).build());
    }

    private void onResponse(DiscoveryResponse response) {
        String type = response.getTypeUrl();
        if (type.equals(CDS)) {
            List<String> eds = new ArrayList<>();
            for (var any : response.getResourcesList()) {
                Cluster cluster = unpack(any, Cluster.class);
                if (cluster.getType() == Cluster.DiscoveryType.EDS) {
                    eds.add(cluster.hasEdsClusterConfig() && !cluster.getEdsClusterConfig().getServiceName().isEmpty()
                            ? cluster.getEdsClusterConfig().getServiceName() : cluster.getName());
                }
            }
            ack(response, List.of());
            if (!Set.copyOf(eds).equals(Set.copyOf(edsNames))) {
                edsNames = eds;
                send(EDS, eds, "", "");
            }
        } else if (type.equals(LDS)) {
            List<String> routes = new ArrayList<>();
            for (var any : response.getResourcesList()) {
                for (var chain : unpack(any, Listener.class).getFilterChainsList()) {
                    for (var filter : chain.getFiltersList()) {
                        if (filter.getTypedConfig().is(HttpConnectionManager.class)) {
                            HttpConnectionManager hcm = unpack(filter.getTypedConfig(), HttpConnectionManager.class);
                            if (hcm.hasRds() && !routes.contains(hcm.getRds().getRouteConfigName())) {
                                routes.add(hcm.getRds().getRouteConfigName());
                            }
                        }
                    }
                }
            }
            ack(response, List.of());
            if (!Set.copyOf(routes).equals(Set.copyOf(rdsNames))) {
                rdsNames = routes;
                send(RDS, routes, "", "");
            }
        } else {
            ack(response, type.equals(EDS) ? edsNames : rdsNames);
        }
    }

    private void ack(DiscoveryResponse response, List<String> names) {
        send(response.getTypeUrl(), names, response.getVersionInfo(), response.getNonce());
        counts.put(response.getTypeUrl(), response.getResourcesCount());
        acked.put(response.getTypeUrl(), response.getVersionInfo());
    }

    private static <T extends com.google.protobuf.Message> T unpack(com.google.protobuf.Any any, Class<T> type) {
        try {
            return any.unpack(type);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        requests.onCompleted();
        channel.shutdownNow();
    }
}
