package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxy that refuses the very first routes it is sent (it never ACKed any) is not sent them again: the next
 * response it gets is the next config. Without the hold, a gRPC client and the front would trade the same refused
 * routes and NACKs every few milliseconds until the config changed.
 */
class NackHoldTest {
    private static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

    @Test
    void aRefusedFirstResponseIsHeldUntilTheConfigChanges(@TempDir Path tmp) throws Exception {
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("config"));
             StraitNode node = InProcess.start(tmp.resolve("data"), mesh.configDir, "front-n", false)) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", node.xdsPort()).usePlaintext().build();
            LinkedBlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
            StreamObserver<DiscoveryRequest> requests = AggregatedDiscoveryServiceGrpc.newStub(channel)
                    .streamAggregatedResources(new StreamObserver<>() {
                        @Override
                        public void onNext(DiscoveryResponse r) {
                            responses.add(r);
                        }

                        @Override
                        public void onError(Throwable t) {
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
            Node client = Node.newBuilder().setId("sidecar~127.0.0.1~app-1.bookinfo~bookinfo.svc.cluster.local")
                    .setMetadata(Struct.newBuilder().putFields("GENERATOR", Value.newBuilder().setStringValue("grpc").build())).build();
            requests.onNext(DiscoveryRequest.newBuilder().setNode(client).setTypeUrl(RDS).addResourceNames(MeshFixture.AUTHORITY).build());
            DiscoveryResponse first = responses.poll(30, TimeUnit.SECONDS);
            assertThat(first).as("the first RDS response within 30 s").isNotNull();

            // refuse it, as a client that never accepted any routes: version_info stays empty
            requests.onNext(DiscoveryRequest.newBuilder().setNode(client).setTypeUrl(RDS).addResourceNames(MeshFixture.AUTHORITY)
                    .setResponseNonce(first.getNonce())
                    .setErrorDetail(Status.newBuilder().setCode(3).setMessage("refused by the test")).build());
            mesh.writeVirtualService(MeshFixture.all("v1"));

            DiscoveryResponse next = responses.poll(30, TimeUnit.SECONDS);
            assertThat(next).as("a response after the config changed").isNotNull();
            assertThat(next.getVersionInfo()).as("not the refused routes again").isNotEqualTo(first.getVersionInfo());
            RouteConfiguration routes = next.getResources(0).unpack(RouteConfiguration.class);
            assertThat(routes.getVirtualHosts(0).getRoutesCount()).isEqualTo(1);
            System.out.println("refused first RDS version " + first.getVersionInfo() + "; next response: "
                    + next.getVersionInfo() + ", with " + responses.size() + " more queued");
            requests.onCompleted();
            channel.shutdownNow();
        }
    }
}
