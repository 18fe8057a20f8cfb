package io.strait.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.strait.cli.runtime.StraitNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Envoy sidecars and gateways get their listeners through the real pipeline (folder → Kafka → translator → front),
 * asked for as Envoy asks: listeners by wildcard, then the route configurations they name. The sidecar gets
 * Istio's layout (virtualOutbound, virtualInbound, a listener per service port and route configuration
 * {@code 9080}); the gateway gets the port of the Gateway selecting it, and an edit of its VirtualService reaches
 * it as a new route configuration.
 */
class EnvoyListenersTest {
    private static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
    private static final String RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
    private static final String GATEWAY_FILE = "gateways/public.yaml";

    @Test
    void sidecarsAndGatewaysGetIstiosListenerLayout(@TempDir Path tmp) throws Exception {
        try (MeshFixture mesh = new MeshFixture(tmp.resolve("config"))) {
            Files.createDirectories(mesh.configDir.resolve("gateways"));
            Files.writeString(mesh.configDir.resolve(GATEWAY_FILE), gateway("v1"));
            try (StraitNode node = InProcess.start(tmp.resolve("data"), mesh.configDir, "front-envoy", false);
                 RawAdsStream sidecar = new RawAdsStream(node.xdsPort());
                 RawAdsStream gateway = new RawAdsStream(node.xdsPort())) {
                Node sidecarNode = node("sidecar~10.0.0.5~productpage-1.bookinfo~bookinfo.svc.cluster.local",
                        Map.of("app", "productpage"));
                sidecar.send(DiscoveryRequest.newBuilder().setNode(sidecarNode).setTypeUrl(LDS).build());
                DiscoveryResponse lds = next(sidecar, LDS);
                List<String> names = names(lds, Listener.class).stream().map(Listener::getName).toList();
                assertThat(names).contains("virtualOutbound", "virtualInbound", "0.0.0.0_9080");
                sidecar.send(ack(sidecarNode, lds, List.of()));
                sidecar.send(DiscoveryRequest.newBuilder().setNode(sidecarNode).setTypeUrl(RDS).addResourceNames("9080").build());
                RouteConfiguration outbound = names(next(sidecar, RDS), RouteConfiguration.class).get(0);
                VirtualHost reviews = outbound.getVirtualHostsList().stream()
                        .filter(v -> v.getName().equals(MeshFixture.AUTHORITY)).findFirst().orElseThrow();
                assertThat(reviews.getDomainsList()).as("short names work from the same namespace")
                        .contains("reviews", "reviews:9080", MeshFixture.HOST);
                assertThat(reviews.getRoutesList()).extracting(r -> r.getName()).containsExactly("jason", "split");
                System.out.printf("Envoy sidecar listeners: %s; route configuration 9080 has %d virtual hosts%n",
                        names, outbound.getVirtualHostsCount());

                Node gatewayNode = node("router~10.0.0.9~ingress-1.istio-system~istio-system.svc.cluster.local",
                        Map.of("istio", "ingressgateway"));
                gateway.send(DiscoveryRequest.newBuilder().setNode(gatewayNode).setTypeUrl(LDS).build());
                DiscoveryResponse gwLds = next(gateway, LDS);
                assertThat(names(gwLds, Listener.class)).extracting(Listener::getName).containsExactly("0.0.0.0_8080");
                gateway.send(ack(gatewayNode, gwLds, List.of()));
                gateway.send(DiscoveryRequest.newBuilder().setNode(gatewayNode).setTypeUrl(RDS).addResourceNames("http.8080").build());
                DiscoveryResponse rds = next(gateway, RDS);
                assertThat(cluster(rds)).isEqualTo("outbound|9080|v1|" + MeshFixture.HOST);

                gateway.send(ack(gatewayNode, rds, List.of("http.8080")));
                long start = System.nanoTime();
                Files.writeString(mesh.configDir.resolve(GATEWAY_FILE), gateway("v3"));
                DiscoveryResponse edited = next(gateway, RDS);
                assertThat(cluster(edited)).isEqualTo("outbound|9080|v3|" + MeshFixture.HOST);
                System.out.printf("gateway route edit: file write -> new route configuration at the gateway in %d ms%n",
                        (System.nanoTime() - start) / 1_000_000);
            }
        }
    }

    private static String gateway(String subset) {
        return """
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: public, namespace: istio-system}
                spec:
                  selector: {istio: ingressgateway}
                  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["bookinfo/reviews.example.com"]}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews-public, namespace: bookinfo}
                spec:
                  hosts: [reviews.example.com]
                  gateways: [istio-system/public]
                  http:
                  - route: [{destination: {host: reviews, subset: %s}}]
                """.formatted(subset);
    }

    private static String cluster(DiscoveryResponse rds) throws Exception {
        RouteConfiguration rc = names(rds, RouteConfiguration.class).get(0);
        VirtualHost vhost = rc.getVirtualHostsList().stream().filter(v -> v.getDomainsList().contains("reviews.example.com"))
                .findFirst().orElseThrow();
        return vhost.getRoutes(0).getRoute().getCluster();
    }

    private static Node node(String id, Map<String, String> labels) {
        Struct.Builder l = Struct.newBuilder();
        labels.forEach((k, v) -> l.putFields(k, Value.newBuilder().setStringValue(v).build()));
        return Node.newBuilder().setId(id).setMetadata(Struct.newBuilder()
                .putFields("LABELS", Value.newBuilder().setStructValue(l).build())).build();
    }

    private static DiscoveryRequest ack(Node node, DiscoveryResponse r, List<String> names) {
        return DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(r.getTypeUrl()).addAllResourceNames(names)
                .setVersionInfo(r.getVersionInfo()).setResponseNonce(r.getNonce()).build();
    }

    /** The next response of {@code type}, skipping others (the front pushes every subscribed type). */
    private static DiscoveryResponse next(RawAdsStream ads, String type) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            DiscoveryResponse r = ads.next(1);
            if (r != null && r.getTypeUrl().equals(type)) {
                return r;
            }
        }
        throw new AssertionError("no " + type + " response within 30 s");
    }

    private static <T extends com.google.protobuf.Message> List<T> names(DiscoveryResponse r, Class<T> type) throws Exception {
        List<T> out = new ArrayList<>();
        for (var any : r.getResourcesList()) {
            out.add(any.unpack(type));
        }
        return out;
    }
}
