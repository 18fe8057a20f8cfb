package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.strait.agent.role.WorkloadAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxyless gRPC server on Strait's inbound listener: grpc-java's {@code XdsServerBuilder}, bootstrapped with
 * Istio's {@code server_listener_resource_name_template}, asks for {@code xds.istio.io/grpc/lds/inbound/0.0.0.0:<port>},
 * accepts what Strait translates for a DISABLE namespace (one plain-text chain), becomes SERVING, and answers a
 * grpc-xds client calling the service through Strait's outbound config in plain text, which the server sees as no
 * peer identity. STRICT, the mode switches and rotation are {@link MutualTlsProofTest} and {@link RotationUnderLoadTest}.
 */
class GrpcServerInboundTest {
    private SecureMesh mesh;

    @Test
    void aGrpcXdsServerServesOnTheDisableInboundListener(@TempDir Path tmp) throws Exception {
        mesh = new SecureMesh(tmp, null, "DISABLE");
        mesh.startServer(mesh.agent("greeter", "greeter-1", Map.of("app", "greeter"), Duration.ofHours(1)));
        WorkloadAgent checkout = mesh.agent("checkout", "checkout-1", Map.of("app", "checkout"), Duration.ofHours(1));
        ManagedChannel client = mesh.meshClient(checkout);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .untilAsserted(() -> assertThat(SecureMesh.call(client, 2_000)).isEqualTo("greeter-1"));
        assertThat(mesh.lastPeer.get()).isEmpty();
        assertThat(mesh.plainCall(2_000)).isEqualTo("greeter-1");
    }

    @AfterEach
    void stop() {
        InProcess.close(mesh);
    }
}
