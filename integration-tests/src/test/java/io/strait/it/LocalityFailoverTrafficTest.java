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
 * Locality failover by traffic: a client in eu-west/a sends every call to the endpoint in its own zone while it
 * serves; when that endpoint goes down, the client's calls fail over to the next priority (us-east, which
 * {@code failover} names) without any config change, and callers elsewhere keep their own nearest endpoint.
 */
class LocalityFailoverTrafficTest {

    @Test
    void callsStayInTheCallersZoneAndFailOverWhenItGoesDown(@TempDir Path tmp) throws Exception {
        int nearPort = EmbeddedKafka.freePort();
        int farPort = EmbeddedKafka.freePort();
        Path config = tmp.resolve("config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("catalog.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: catalog, namespace: shop}
                spec:
                  hosts: [catalog.shop.svc.cluster.local]
                  ports: [{number: 8080, name: grpc, protocol: GRPC}]
                  resolution: STATIC
                  endpoints:
                  - {address: 127.0.0.1, ports: {grpc: %d}, locality: eu-west/a}
                  - {address: 127.0.0.2, ports: {grpc: %d}, locality: us-east/a}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: catalog, namespace: shop}
                spec:
                  host: catalog
                  trafficPolicy:
                    loadBalancer:
                      localityLbSetting:
                        failover: [{from: eu-west, to: us-east}]
                """.formatted(nearPort, farPort));
        Backends near = new Backends();
        near.start("127.0.0.1", nearPort, "eu-west");
        try (Backends far = new Backends()) {
            far.start("127.0.0.2", farPort, "us-east");
            try (StraitNode node = InProcess.start(tmp.resolve("data"), config, "front-loc", false);
                 ProxylessClient europe = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(),
                         "web-eu", "shop", Map.of("app", "web")).withLocality("eu-west/a"), "catalog.shop.svc.cluster.local:8080");
                 ProxylessClient america = new ProxylessClient(GrpcBootstrap.forWorkload("127.0.0.1:" + node.xdsPort(),
                         "web-us", "shop", Map.of("app", "web")).withLocality("us-east/a"), "catalog.shop.svc.cluster.local:8080")) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> europe.call(Map.of(), 2_000) != null);
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> america.call(Map.of(), 2_000) != null);
                Map<String, Integer> before = Traffic.count(europe, Map.of(), 20);
                Map<String, Integer> us = Traffic.count(america, Map.of(), 20);
                near.close(); // eu-west/a goes down
                long down = System.nanoTime();
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "us-east".equals(europe.call(Map.of(), 2_000)));
                long failedOverMs = (System.nanoTime() - down) / 1_000_000;
                Map<String, Integer> after = Traffic.count(europe, Map.of(), 20);
                System.out.printf("locality failover: eu-west/a client before %s, us-east/a client %s; eu-west/a endpoint "
                        + "down -> first call served by us-east after %d ms, then %s%n", before, us, failedOverMs, after);
                assertThat(before).isEqualTo(Map.of("eu-west", 20));
                assertThat(us).isEqualTo(Map.of("us-east", 20));
                assertThat(after).isEqualTo(Map.of("us-east", 20));
            }
        } finally {
            near.close();
        }
    }
}
