package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import io.strait.bus.kafka.EmbeddedKafka;
import io.strait.cli.bootstrap.GrpcBootstrap;
import io.strait.cli.demo.EchoService;
import io.strait.cli.demo.ProxylessClient;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxyless gRPC server on Strait's inbound listener: grpc-java's {@code XdsServerBuilder}, bootstrapped with
 * Istio's {@code server_listener_resource_name_template}, asks for {@code xds.istio.io/grpc/lds/inbound/0.0.0.0:<port>},
 * accepts what Strait translates for a DISABLE namespace (one plain-text chain), becomes SERVING, and answers a
 * grpc-xds client calling the service through Strait's outbound config.
 */
class GrpcServerInboundTest {
    private static final String HOST = "greeter.shop.svc.cluster.local";
    private StraitNode node;
    private Server server;
    private ProxylessClient client;

    @Test
    void aGrpcXdsServerServesOnTheDisableInboundListener(@TempDir Path tmp) throws Exception {
        int port = EmbeddedKafka.freePort(); // fixed: the listener's name and address carry it
        Path config = tmp.resolve("config");
        Files.createDirectories(config);
        Files.writeString(config.resolve("shop.yaml"), """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: greeter, namespace: shop}
                spec:
                  hosts: [%s]
                  ports: [{number: 7070, name: grpc, protocol: GRPC, targetPort: %d}]
                  resolution: STATIC
                  workloadSelector: {labels: {app: greeter}}
                ---
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: greeter-1, namespace: shop}
                spec:
                  address: 127.0.0.1
                  serviceAccount: greeter
                  labels: {app: greeter}
                ---
                apiVersion: security.istio.io/v1
                kind: PeerAuthentication
                metadata: {name: default, namespace: shop}
                spec:
                  mtls: {mode: DISABLE}
                """.formatted(HOST, port));
        node = InProcess.start(tmp.resolve("data"), config, "front-s", false);
        String xds = "127.0.0.1:" + node.xdsPort();

        Map<String, Object> bootstrap = new LinkedHashMap<>(
                GrpcBootstrap.forWorkload(xds, "greeter-1", "shop", Map.of("app", "greeter")).toMap());
        bootstrap.put("server_listener_resource_name_template", "xds.istio.io/grpc/lds/inbound/%s");
        AtomicReference<String> state = new AtomicReference<>("STARTING");
        server = XdsServerBuilder.forPort(port, XdsServerCredentials.create(InsecureServerCredentials.create()))
                .overrideBootstrapForTest(bootstrap)
                .xdsServingStatusListener(new XdsServerBuilder.XdsServingStatusListener() {
                    @Override
                    public void onServing() {
                        state.set("SERVING");
                    }

                    @Override
                    public void onNotServing(Throwable cause) {
                        state.set("NOT_SERVING: " + cause);
                    }
                })
                .addService(EchoService.answering("greeter-1"))
                .build();
        Thread starter = new Thread(() -> {
            try {
                server.start(); // waits for the inbound listener
            } catch (java.io.IOException e) {
                state.set("START FAILED: " + e);
            }
        }, "xds-server-start");
        starter.setDaemon(true);
        starter.start();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(state.get()).isEqualTo("SERVING"));

        client = new ProxylessClient(GrpcBootstrap.forWorkload(xds, "checkout-1", "shop", Map.of("app", "checkout")),
                HOST + ":7070");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .untilAsserted(() -> assertThat(client.call(Map.of(), 2_000)).isEqualTo("greeter-1"));
    }

    @AfterEach
    void stop() {
        InProcess.close(client, server == null ? null : (AutoCloseable) () -> server.shutdownNow(), node);
    }
}
