package io.strait.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The state-of-the-world simulated sidecar against a real gRPC ADS server that the test drives response by response:
 * what it requests when its clusters change, and which ACKs count for the keys a fleet watch awaits.
 */
class SotwProxyTest {
    private static final String A = "outbound|8080|v1|svc-1.ns-1.svc.cluster.local";
    private static final String B = "outbound|8080|r0|svc-1.ns-1.svc.cluster.local";

    /** The ADS server: every request it received, and the stream to answer on. */
    private final List<DiscoveryRequest> requests = new CopyOnWriteArrayList<>();
    private volatile StreamObserver<DiscoveryResponse> stream;
    private Server server;
    private NioEventLoopGroup loop;
    private ExecutorService executor;
    private ManagedChannel channel;

    @BeforeEach
    void startServer() throws Exception {
        server = NettyServerBuilder.forPort(0).addService(new AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase() {
            @Override
            public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> responses) {
                stream = responses;
                return new StreamObserver<>() {
                    @Override
                    public void onNext(DiscoveryRequest request) {
                        requests.add(request);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        responses.onCompleted();
                    }
                };
            }
        }).build().start();
        loop = new NioEventLoopGroup(1);
        executor = Executors.newFixedThreadPool(2);
        channel = SimulatedProxy.channel("127.0.0.1", server.getPort(), loop, executor);
    }

    @AfterEach
    void stop() throws Exception {
        FleetWatch.current = null;
        channel.shutdownNow();
        server.shutdownNow().awaitTermination();
        loop.shutdownGracefully();
        executor.shutdownNow();
    }

    private static Any cluster(String name) {
        return Any.pack(Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS).build());
    }

    private static Any assignment(String cluster, String address) {
        return Any.pack(ClusterLoadAssignment.newBuilder().setClusterName(cluster).addEndpoints(LocalityLbEndpoints.newBuilder()
                .addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(Address.newBuilder()
                        .setSocketAddress(SocketAddress.newBuilder().setAddress(address).setPortValue(8080)))))).build());
    }

    private void respond(String type, String version, String nonce, Any... resources) {
        stream.onNext(DiscoveryResponse.newBuilder().setTypeUrl(type).setVersionInfo(version).setNonce(nonce)
                .addAllResources(List.of(resources)).build());
    }

    /** Waits for the {@code n}th request (1-based) and returns it. */
    private DiscoveryRequest request(int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> requests.size() >= n);
        return requests.get(n - 1);
    }

    @Test
    void aClusterChangeResubscribesEdsWithTheLastEdsVersionAndNonceAsEnvoyDoes() {
        try (SimulatedProxy proxy = SimulatedProxy.connect(false, channel, "app-1-1", "ns-1", "app-1")) {
            assertThat(request(1).getTypeUrl()).isEqualTo(XdsTypes.CDS);
            assertThat(request(2).getTypeUrl()).isEqualTo(XdsTypes.LDS);
            assertThat(request(1).getNode().getId()).isEqualTo("sidecar~10.0.0.1~app-1-1.ns-1~ns-1.svc.cluster.local");

            respond(XdsTypes.CDS, "c1", "1", cluster(A));
            assertThat(request(3)).satisfies(ack -> {
                assertThat(ack.getTypeUrl()).isEqualTo(XdsTypes.CDS);
                assertThat(ack.getResponseNonce()).isEqualTo("1");
            });
            // the first EDS subscription: nothing of the type received yet, so no version and no nonce
            assertThat(request(4)).satisfies(subscribe -> {
                assertThat(subscribe.getTypeUrl()).isEqualTo(XdsTypes.EDS);
                assertThat(subscribe.getResourceNamesList()).containsExactly(A);
                assertThat(subscribe.getVersionInfo()).isEmpty();
                assertThat(subscribe.getResponseNonce()).isEmpty();
            });
            respond(XdsTypes.EDS, "e1", "2", assignment(A, "10.0.0.1"));
            assertThat(request(5).getResponseNonce()).isEqualTo("2");

            // a subset added: the new EDS names go with the last EDS version and nonce, a change of a served subscription
            respond(XdsTypes.CDS, "c2", "3", cluster(A), cluster(B));
            assertThat(request(6).getResponseNonce()).isEqualTo("3");
            assertThat(request(7)).satisfies(resubscribe -> {
                assertThat(resubscribe.getTypeUrl()).isEqualTo(XdsTypes.EDS);
                assertThat(resubscribe.getResourceNamesList()).containsExactly(A, B);
                assertThat(resubscribe.getVersionInfo()).isEqualTo("e1");
                assertThat(resubscribe.getResponseNonce()).isEqualTo("2");
            });
            assertThat(proxy.clusters()).isEqualTo(2);
        }
    }

    @Test
    void keysInFlightAreHeldByTheAcksOfResponsesReceivedAfterTheyWereAwaited() {
        FleetWatch watch = new FleetWatch();
        FleetWatch.current = watch;
        try (SimulatedProxy proxy = SimulatedProxy.connect(false, channel, "app-1-1", "ns-1", "app-1")) {
            request(2);
            FleetWatch.Awaited clusterA = watch.await(XdsTypes.CDS_INDEX, A);
            FleetWatch.Awaited address = watch.await(XdsTypes.EDS_INDEX, "10.0.0.7");
            respond(XdsTypes.CDS, "c1", "1", cluster(A));
            request(4);
            assertThat(proxy.holds(clusterA)).isTrue();
            assertThat(proxy.ackedAt(clusterA)).isPositive();
            assertThat(proxy.holds(address)).as("not received yet").isFalse();

            // the same address again, awaited anew (an endpoint moved back): only a later response holds the new key
            respond(XdsTypes.EDS, "e1", "2", assignment(A, "10.0.0.7"));
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.holds(address)); // recorded just after the ACK is sent
            FleetWatch.Awaited movedBack = watch.await(XdsTypes.EDS_INDEX, "10.0.0.7");
            assertThat(proxy.holds(movedBack)).isFalse();

            // a key no longer awaited is forgotten on the next ACK; the others stay
            watch.done(clusterA);
            respond(XdsTypes.EDS, "e2", "3", assignment(A, "10.0.0.7"));
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.holds(movedBack));
            assertThat(proxy.holds(address)).isTrue();
            assertThat(proxy.holds(clusterA)).isFalse();
            assertThat(proxy.ackedAt(clusterA)).isEqualTo(-1);
        }
    }
}
