package io.strait.translate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.BoolValue;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.strait.bus.wire.ContentHash;
import io.strait.translate.xds.XdsJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RouteConfigurationBytesTest {

    @Test
    void everyGoldenRouteConfigurationGetsTheBytesAndHashOfAWholeSerialization() throws Exception {
        List<RouteConfiguration> routes = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/golden"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".routes.json")).sorted().toList()) {
                String json = Files.readString(f).trim();
                // the golden files are JSON arrays of route configurations: parse each element
                com.fasterxml.jackson.databind.JsonNode array = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
                for (com.fasterxml.jackson.databind.JsonNode element : array) {
                    RouteConfiguration.Builder b = RouteConfiguration.newBuilder();
                    JsonFormat.parser().usingTypeRegistry(XdsJson.TYPES).merge(element.toString(), b);
                    routes.add(b.build());
                }
            }
        }
        assertThat(routes).hasSizeGreaterThan(20);
        RouteConfigurationBytes bytes = new RouteConfigurationBytes();
        for (RouteConfiguration route : routes) {
            assertThat(bytes.serialize(route)).as(route.getName()).isEqualTo(ContentHash.serialize(route));
        }
    }

    @Test
    void sharedVirtualHostsAreSerializedOnceAndEveryFieldIsKept() {
        VirtualHost shared = VirtualHost.newBuilder().setName("reviews:9080").addDomains("reviews").addDomains("reviews:9080")
                .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                        .setRoute(RouteAction.newBuilder().setCluster("outbound|9080||reviews.ns.svc.cluster.local")))
                .build();
        VirtualHost own = shared.toBuilder().setName("ratings:9080").clearDomains().addDomains("ratings").build();
        RouteConfigurationBytes bytes = new RouteConfigurationBytes();
        RouteConfiguration a = RouteConfiguration.newBuilder().setName("9080").addVirtualHosts(shared).addVirtualHosts(own)
                .setValidateClusters(BoolValue.of(false)).addInternalOnlyHeaders("x-internal")
                .addResponseHeadersToAdd(HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey("k").setValue("v")))
                .setMaxDirectResponseBodySizeBytes(com.google.protobuf.UInt32Value.of(4096)).build();
        RouteConfiguration b = a.toBuilder().setName("").build(); // no name: field 1 left out
        RouteConfiguration onlyHosts = RouteConfiguration.newBuilder().addVirtualHosts(shared).build();
        for (RouteConfiguration route : List.of(a, b, onlyHosts, RouteConfiguration.getDefaultInstance(),
                RouteConfiguration.newBuilder().setName("only-a-name").build())) {
            assertThat(bytes.serialize(route)).isEqualTo(ContentHash.serialize(route));
            assertThat(ContentHash.of(bytes.serialize(route))).isEqualTo(ContentHash.of(ContentHash.serialize(route)));
        }
    }
}
