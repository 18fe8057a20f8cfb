package io.strait.it;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A proxy that only follows the {@code reviews} routes over one ADS stream (RDS, as a proxyless gRPC client asks for
 * them) and ACKs every response at once, recording when each version arrived and the weight the routes give subset
 * {@code v2} — the part of the config the fault tests change with every revision. Much cheaper than a full gRPC
 * client, so twenty of them fit next to the roles and brokers on a small machine.
 */
final class AckingProxy implements AutoCloseable {
    private static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

    /** One response as ACKed: when (System.nanoTime), its version, and the v2 weight it routes (-1: none). */
    record Acked(long atNanos, String version, int v2Weight) {
    }

    final Node node;
    private final ManagedChannel channel;
    private final StreamObserver<DiscoveryRequest> requests;
    private final AtomicReference<Acked> last = new AtomicReference<>();
    private final AtomicReference<Throwable> ended = new AtomicReference<>();

    AckingProxy(int xdsPort, String namespace, int replica) {
        node = Node.newBuilder().setId("sidecar~127.0.0." + (replica + 1) + "~app-" + replica + "." + namespace + "~" + namespace
                        + ".svc.cluster.local")
                .setMetadata(Struct.newBuilder().putFields("GENERATOR", Value.newBuilder().setStringValue("grpc").build())).build();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", xdsPort).usePlaintext().build();
        requests = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(new StreamObserver<>() {
            @Override
            public void onNext(DiscoveryResponse r) {
                long at = System.nanoTime();
                last.set(new Acked(at, r.getVersionInfo(), v2Weight(r)));
                send(request().setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce()).build());
            }

            @Override
            public void onError(Throwable t) {
                ended.set(t);
            }

            @Override
            public void onCompleted() {
                ended.set(new IllegalStateException("the front completed the stream"));
            }
        });
        send(request().build());
    }

    private DiscoveryRequest.Builder request() {
        return DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(RDS).addResourceNames(MeshFixture.AUTHORITY);
    }

    private synchronized void send(DiscoveryRequest request) {
        requests.onNext(request);
    }

    /** The last response ACKed, or null before the first. */
    Acked last() {
        return last.get();
    }

    /** The v2 weight of the last ACKed routes (-1 before any). */
    int weight() {
        Acked a = last.get();
        return a == null ? -1 : a.v2Weight();
    }

    /** How the stream ended, or null while it is open. */
    Throwable ended() {
        return ended.get();
    }

    static int v2Weight(DiscoveryResponse r) {
        try {
            for (com.google.protobuf.Any any : r.getResourcesList()) {
                RouteConfiguration rc = any.unpack(RouteConfiguration.class);
                for (VirtualHost vh : rc.getVirtualHostsList()) {
                    for (Route route : vh.getRoutesList()) {
                        for (WeightedCluster.ClusterWeight c : route.getRoute().getWeightedClusters().getClustersList()) {
                            if (c.getName().contains("|v2|")) {
                                return c.getWeight().getValue();
                            }
                        }
                    }
                }
            }
        } catch (InvalidProtocolBufferException e) {
            return -2;
        }
        return -1;
    }

    @Override
    public void close() {
        try {
            synchronized (this) {
                requests.onCompleted();
            }
        } catch (RuntimeException ignored) {
            // the stream is already gone
        }
        channel.shutdownNow();
    }
}
