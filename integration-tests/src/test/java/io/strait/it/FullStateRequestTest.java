package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Path;
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
             StraitNode node = InProcess.start(tmp.resolve("data"), mesh.configDir, "front-l", false);
             RawAdsStream ads = new RawAdsStream(node.xdsPort())) {
            ads.send(DiscoveryRequest.newBuilder().setNode(RawAdsStream.GRPC_CLIENT).setTypeUrl(LDS)
                    .addResourceNames(MeshFixture.AUTHORITY).addResourceNames("ratingz.bookinfo.svc.cluster.local:9080").build());
            DiscoveryResponse response = ads.next(30);
            assertThat(response).as("an LDS response within 30 s").isNotNull();
            assertThat(response.getResourcesList()).hasSize(1);
            assertThat(response.getResources(0).unpack(io.envoyproxy.envoy.config.listener.v3.Listener.class).getName())
                    .isEqualTo(MeshFixture.AUTHORITY);
        }
    }
}
