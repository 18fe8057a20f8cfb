package io.strait.bench;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
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
 * to the endpoints of its clusters by name, ACKing every response with its nonce. Records when it first holds each
 * cluster, so the harness can time a revision from commit to the last proxy's ACK.
 */
final class SimulatedProxy implements AutoCloseable {
    static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
    static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";

    private final ManagedChannel channel;
    private final Node node;
    private final StreamObserver<DiscoveryRequest> requests;
    /** Cluster name to the nanoTime it was first ACKed. */
    final ConcurrentHashMap<String, Long> clustersAckedAt = new ConcurrentHashMap<>();
    private volatile List<String> edsNames = List.of();

    SimulatedProxy(String host, int port, String id, String namespace, String app, EventLoopGroup loop, Executor executor) {
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
            for (var any : response.getResourcesList()) {
                try {
                    names.add(any.unpack(Cluster.class).getName());
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new IllegalStateException(e);
                }
            }
            send(CDS, List.of(), response.getVersionInfo(), response.getNonce());
            long now = System.nanoTime();
            names.forEach(n -> clustersAckedAt.putIfAbsent(n, now));
            if (!Set.copyOf(names).equals(Set.copyOf(edsNames))) {
                edsNames = names;
                send(EDS, names, "", "");
            }
        } else {
            // EDS, LDS: ACK what arrived, keeping the current subscription
            List<String> names = response.getTypeUrl().equals(EDS) ? edsNames : List.of();
            send(response.getTypeUrl(), names, response.getVersionInfo(), response.getNonce());
        }
    }

    @Override
    public void close() {
        requests.onCompleted();
        channel.shutdownNow();
    }
}
