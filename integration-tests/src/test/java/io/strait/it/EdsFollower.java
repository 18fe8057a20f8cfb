package io.strait.it;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * A proxy that follows one cluster's endpoints over its own connection and ADS stream (EDS by name, as a proxyless
 * gRPC client subscribes after CDS) and ACKs every response at once, recording when it first ACKed an assignment
 * holding each address. Cheap enough for a thousand in one JVM next to the roles.
 */
final class EdsFollower implements AutoCloseable {
    private static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

    private final ManagedChannel channel;
    private final Node node;
    private final String cluster;
    private final StreamObserver<DiscoveryRequest> requests;
    /** Endpoint address to the System.nanoTime its first assignment was ACKed. */
    private final Map<String, Long> ackedAt = new ConcurrentHashMap<>();

    EdsFollower(int xdsPort, String namespace, int replica, String cluster, EventLoopGroup loop, Executor executor) {
        this.cluster = cluster;
        this.node = Node.newBuilder().setId("sidecar~10.8." + (replica / 250) + "." + (replica % 250 + 1) + "~eds-" + replica + "."
                        + namespace + "~" + namespace + ".svc.cluster.local")
                .setMetadata(Struct.newBuilder().putFields("GENERATOR", Value.newBuilder().setStringValue("grpc").build())).build();
        this.channel = NettyChannelBuilder.forAddress("127.0.0.1", xdsPort).usePlaintext().eventLoopGroup(loop)
                .channelType(NioSocketChannel.class).executor(executor).build();
        this.requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryResponse r) {
                long now = System.nanoTime();
                send(request().setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce()).build());
                for (com.google.protobuf.Any any : r.getResourcesList()) {
                    try {
                        any.unpack(ClusterLoadAssignment.class).getEndpointsList().forEach(l -> l.getLbEndpointsList().forEach(e ->
                                ackedAt.putIfAbsent(e.getEndpoint().getAddress().getSocketAddress().getAddress(), now)));
                    } catch (InvalidProtocolBufferException e) {
                        // not an assignment: nothing to record
                    }
                }
            }

            @Override
            public void onError(Throwable t) {
                // the figure notices a follower that never ACKs
            }

            @Override
            public void onCompleted() {
            }
        });
        send(request().build());
    }

    private DiscoveryRequest.Builder request() {
        return DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(EDS).addResourceNames(cluster);
    }

    private synchronized void send(DiscoveryRequest request) {
        requests.onNext(request);
    }

    /** When an assignment holding {@code address} was first ACKed (System.nanoTime), or null. */
    Long ackedAt(String address) {
        return ackedAt.get(address);
    }

    @Override
    public void close() {
        try {
            synchronized (this) {
                requests.onCompleted();
            }
        } catch (RuntimeException ignored) {
            // already gone
        }
        channel.shutdownNow();
    }
}
