package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Path;
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
             StraitNode node = InProcess.start(tmp.resolve("data"), mesh.configDir, "front-n", false);
             RawAdsStream ads = new RawAdsStream(node.xdsPort())) {
            ads.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(RDS)
                    .addResourceNames(MeshFixture.AUTHORITY).build());
            DiscoveryResponse first = ads.next(30);
            assertThat(first).as("the first RDS response within 30 s").isNotNull();

            // refuse it, as a client that never accepted any routes: version_info stays empty
            ads.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(RDS)
                    .addResourceNames(MeshFixture.AUTHORITY).setResponseNonce(first.getNonce())
                    .setErrorDetail(Status.newBuilder().setCode(3).setMessage("refused by the test")).build());
            mesh.writeVirtualService(MeshFixture.all("v1"));

            DiscoveryResponse next = ads.next(30);
            assertThat(next).as("a response after the config changed").isNotNull();
            assertThat(next.getVersionInfo()).as("not the refused routes again").isNotEqualTo(first.getVersionInfo());
            RouteConfiguration routes = next.getResources(0).unpack(RouteConfiguration.class);
            assertThat(routes.getVirtualHosts(0).getRoutesCount()).isEqualTo(1);
            System.out.println("refused first RDS version " + first.getVersionInfo() + "; next response: "
                    + next.getVersionInfo() + ", with " + ads.queued() + " more queued");
        }
    }
}
