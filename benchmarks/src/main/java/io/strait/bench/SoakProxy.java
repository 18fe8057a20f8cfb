package io.strait.bench;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * One simulated Envoy sidecar: its own connection and ADS stream, subscribing to all clusters and listeners, then
 * to the endpoints of its EDS clusters and the route configurations of its listeners by name, ACKing every response
 * with its nonce. Records when it first holds each cluster, route weight and endpoint address, so the soak can time
 * several changes in flight at once (a change every 2 s, each awaited while the next are written). The load harness's
 * {@link SimulatedProxy} keeps one ACK time per timed revision instead, which is what lets 10,000 proxies of a mesh-wide
 * scope fit in one JVM; the soak's 1,000 proxies can afford these maps.
 */
final class SoakProxy implements AutoCloseable {
    static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
    static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
    static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

    /** Package-visible: the soak harness reconnects a proxy whose connection the front recycled (GOAWAY at its max age). */
    final ManagedChannel channel;
    private final Node node;
    private final StreamObserver<DiscoveryRequest> requests;
    /** Cluster name to the nanoTime it was first ACKed. */
    final ConcurrentHashMap<String, Long> clustersAckedAt = new ConcurrentHashMap<>();
    /**
     * Whether responses are read for routes / endpoints (set by the harness only while a revision of that kind is
     * timed: reading every response of a 10,000-proxy fleet would take the CPU the servers under test need).
     */
    static volatile boolean readRoutes;
    static volatile boolean readEndpoints;
    /** {@code <first weighted cluster>=<its weight>} of each route to the nanoTime it was first ACKed. */
    final ConcurrentHashMap<String, Long> weightsAckedAt = new ConcurrentHashMap<>();
    /** Endpoint address to the nanoTime an assignment holding it was first ACKed. */
    final ConcurrentHashMap<String, Long> addressesAckedAt = new ConcurrentHashMap<>();
    /** The proxy's namespace. */
    final String namespace;
    private volatile List<String> edsNames = List.of();
    private volatile List<String> rdsNames = List.of();

    SoakProxy(String host, int port, String id, String namespace, String app, EventLoopGroup loop, Executor executor) {
        this.namespace = namespace;
        this.channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().eventLoopGroup(loop)
                .channelType(NioSocketChannel.class).executor(executor).build();
        this.node = Node.newBuilder().setId("sidecar~10.0.0.1~" + id + "." + namespace + "~" + namespace + ".svc.cluster.local")
                .setMetadata(Struct.newBuilder()
                        .putFields("NAMESPACE", Value.newBuilder().setStringValue(namespace).build())
                        .putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder()
                                .putFields("app", Value.newBuilder().setStringValue(app).build())).build()))
                .build();
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

    private synchronized void send(String type, List<String> names, String version, String nonce) {
        requests.onNext(DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(type).addAllResourceNames(names)
                .setVersionInfo(version).setResponseNonce(nonce).build());
    }

    private void onResponse(DiscoveryResponse response) {
        if (response.getTypeUrl().equals(CDS)) {
            List<String> names = new ArrayList<>();
            List<String> eds = new ArrayList<>();
            for (var any : response.getResourcesList()) {
                Cluster cluster = unpack(any, Cluster.class);
                names.add(cluster.getName());
                if (cluster.getType() == Cluster.DiscoveryType.EDS) {
                    eds.add(cluster.getName()); // as Envoy: only EDS clusters ask for endpoints
                }
            }
            send(CDS, List.of(), response.getVersionInfo(), response.getNonce());
            long now = System.nanoTime();
            names.forEach(n -> clustersAckedAt.putIfAbsent(n, now));
            if (!Set.copyOf(eds).equals(Set.copyOf(edsNames))) {
                edsNames = eds;
                send(EDS, eds, "", "");
            }
        } else if (response.getTypeUrl().equals(LDS)) {
            // as Envoy: the route configurations the listeners' connection managers name are asked for by name
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
            send(LDS, List.of(), response.getVersionInfo(), response.getNonce());
            if (!Set.copyOf(routes).equals(Set.copyOf(rdsNames))) {
                rdsNames = routes;
                send(RDS, routes, "", "");
            }
        } else {
            // EDS, RDS: ACK what arrived, keeping the current subscription
            boolean eds = response.getTypeUrl().equals(EDS);
            List<String> names = eds ? edsNames : rdsNames;
            send(response.getTypeUrl(), names, response.getVersionInfo(), response.getNonce());
            if (!eds && readRoutes) {
                long now = System.nanoTime();
                for (var any : response.getResourcesList()) {
                    for (var host : unpack(any, RouteConfiguration.class).getVirtualHostsList()) {
                        for (var route : host.getRoutesList()) {
                            var weighted = route.getRoute().getWeightedClusters().getClustersList();
                            if (!weighted.isEmpty()) {
                                weightsAckedAt.putIfAbsent(weighted.get(0).getName() + "=" + weighted.get(0).getWeight().getValue(), now);
                            }
                        }
                    }
                }
            }
            if (eds && readEndpoints) {
                long now = System.nanoTime();
                for (var any : response.getResourcesList()) {
                    for (var locality : unpack(any, ClusterLoadAssignment.class).getEndpointsList()) {
                        locality.getLbEndpointsList().forEach(e -> addressesAckedAt.putIfAbsent(
                                e.getEndpoint().getAddress().getSocketAddress().getAddress(), now));
                    }
                }
            }
        }
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
