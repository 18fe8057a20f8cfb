package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.strait.agent.role.AgentOptions;
import io.strait.agent.role.WorkloadAgent;
import io.strait.ca.identity.SpiffeId;
import io.strait.cli.demo.ProxylessClient;
import io.strait.cli.runtime.StraitNode;
import io.strait.model.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A grpc-xds client bootstrapped by the agent's grpc-bootstrap.json gets its config through the agent's xDS proxy
 * ({@code unix://DIR/XDS}) from a real front, and its RPCs reach the backends. The front's secure port is not built
 * on this branch, so the proxy's upstream is injected as plain text to the front's 15010; the certificate still
 * comes from the node's real CA over TLS, and the production upstream is mTLS.
 */
class AgentXdsProxyTest {
    @Test
    void aGrpcClientGetsItsConfigThroughTheAgentsProxy(@TempDir Path tmp) throws Exception {
        MeshFixture mesh = new MeshFixture(tmp.resolve("config"));
        StraitNode node = InProcess.start(tmp.resolve("data"), mesh.configDir, "front-agent", false);
        WorkloadAgent agent = null;
        ProxylessClient client = null;
        try {
            String token = node.ca().issueToken(new SpiffeId("cluster.local", "bookinfo", "productpage"), Duration.ofHours(1));
            String front = "127.0.0.1:" + node.xdsPort();
            agent = WorkloadAgent.start(AgentOptions.of("127.0.0.1:" + node.ca().securePort(), token, "productpage-1", "bookinfo",
                    "productpage", tmp.resolve("w")).withLabels(Map.of("app", "productpage"))
                    .withXdsUpstream(creds -> Grpc.newChannelBuilder(front, InsecureChannelCredentials.create()).build()));
            var json = Json.MAPPER.readTree(Files.readString(agent.options().bootstrapFile()));
            assertThat(json.at("/xds_servers/0/server_uri").asText()).startsWith("unix:///").endsWith("/XDS");

            client = new ProxylessClient(agent.bootstrap(), MeshFixture.AUTHORITY);
            ProxylessClient c = client;
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> c.call(Map.of(), 1000) != null);
            assertThat(client.call(Map.of("end-user", "jason"), 2000)).isNotBlank();
        } finally {
            InProcess.close(client, agent, node, mesh);
        }
    }
}
