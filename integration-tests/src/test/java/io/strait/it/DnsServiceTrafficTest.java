package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.agent.bootstrap.GrpcBootstrap;
import io.strait.cli.demo.Backends;
import io.strait.cli.demo.ProxylessClient;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ServiceEntry with DNS resolution, by traffic: the proxyless client gets a LOGICAL_DNS cluster naming
 * {@code localhost}, resolves it itself and reaches the backend; no endpoint address is ever an IP on the bus.
 */
class DnsServiceTrafficTest {

    @Test
    void aDnsServiceIsReachedByTheNameItsEndpointGives(@TempDir Path tmp) throws Exception {
        int port = EmbeddedKafka.freePort();
        Path config = tmp.resolve("config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("payments.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: payments, namespace: shop}
                spec:
                  hosts: [payments.example.com]
                  location: MESH_EXTERNAL
                  ports: [{number: 443, name: grpc, protocol: GRPC}]
                  resolution: DNS
                  endpoints: [{address: localhost, ports: {grpc: %d}}]
                """.formatted(port));
        try (Backends backends = new Backends()) {
            backends.start("127.0.0.1", port, "payments-by-dns");
            try (StraitNode node = InProcess.start(tmp.resolve("data"), config, "front-dns", false);
                 ProxylessClient client = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(),
                         "checkout-1", "shop", Map.of("app", "checkout")), "payments.example.com:443")) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                        .until(() -> "payments-by-dns".equals(client.call(Map.of(), 2_000)));
                int reached = 0;
                for (int i = 0; i < 20; i++) {
                    reached += "payments-by-dns".equals(client.call(Map.of(), 2_000)) ? 1 : 0;
                }
                System.out.printf("DNS service: %d/20 calls reached the backend resolved from localhost%n", reached);
                assertThat(reached).isEqualTo(20);
            }
        }
    }
}
