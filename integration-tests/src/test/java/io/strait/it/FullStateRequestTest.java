package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
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
 * Listeners are a full-state type: a client that asks for several, one of which its scope does not have (a typo, or
 * a service outside its Sidecar's egress), is answered with those that exist — and so learns at once that the other
 * does not — instead of getting nothing for any of them.
 */
class FullStateRequestTest {
    private static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";

    @Test
    void aRequestNamingAMissingListenerIsAnsweredWithTheListenersThatExist(@TempDir Path tmp) throws Exception {
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("config"));
             StraitNode node = InProcess.start(tmp.resolve("data"), mesh.configDir, "front-l", false)) {
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
            Node grpcClient = Node.newBuilder().setId("sidecar~127.0.0.1~app-1.bookinfo~bookinfo.svc.cluster.local")
                    .setMetadata(Struct.newBuilder().putFields("GENERATOR", Value.newBuilder().setStringValue("grpc").build())).build();
            requests.onNext(DiscoveryRequest.newBuilder().setNode(grpcClient).setTypeUrl(LDS)
                    .addResourceNames(MeshFixture.AUTHORITY).addResourceNames("ratingz.bookinfo.svc.cluster.local:9080").build());
            DiscoveryResponse response = responses.poll(30, TimeUnit.SECONDS);
            assertThat(response).as("an LDS response within 30 s").isNotNull();
            assertThat(response.getResourcesList()).hasSize(1);
            assertThat(response.getResources(0).unpack(io.envoyproxy.envoy.config.listener.v3.Listener.class).getName())
                    .isEqualTo(MeshFixture.AUTHORITY);
            requests.onCompleted();
            channel.shutdownNow();
        }
    }
}
