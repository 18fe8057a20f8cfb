package io.strait.cli.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.strait.model.proxy.ProxyIdentity;
import io.strait.model.proxy.ProxyType;
import io.strait.xds.NodeIdentities;
import io.strait.translate.xds.EnvoyConstraints;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvoyBootstrapTest {

    @Test
    void aGatewayBootstrapReadsBackAsEnvoysBootstrapAndMeetsItsConstraints() throws Exception {
        var identity = EnvoyBootstrap.identity("router~10.0.0.9~ingress-1.istio-system~istio-system.svc.cluster.local",
                null, Map.of("istio", "ingressgateway"));
        String json = new EnvoyBootstrap("xds.strait.svc:15010", identity).toJson();
        Bootstrap.Builder parsed = Bootstrap.newBuilder();
        JsonFormat.parser().usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder()
                .add(HttpProtocolOptions.getDescriptor()).build()).merge(json, parsed);
        Bootstrap bootstrap = parsed.build();
        assertThat(EnvoyConstraints.violations(bootstrap)).isEmpty();
        // the mesh mTLS contexts take their secrets from the agent's SDS cluster, which must exist
        assertThat(bootstrap.getStaticResources().getClustersList()).anySatisfy(c -> {
            assertThat(c.getName()).isEqualTo("sds-grpc");
            assertThat(c.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getPipe().getPath())
                    .isEqualTo("./var/run/secrets/workload-spiffe-uds/socket");
        });
        assertThat(identity.type()).isEqualTo(ProxyType.ROUTER);
        assertThat(bootstrap.getNode().getId()).startsWith("router~");
        assertThat(bootstrap.getNode().getMetadata().getFieldsOrThrow("NAMESPACE").getStringValue()).isEqualTo("istio-system");
        assertThat(bootstrap.getNode().getMetadata().getFieldsOrThrow("LABELS").getStructValue()
                .getFieldsOrThrow("istio").getStringValue()).isEqualTo("ingressgateway");
        assertThat(bootstrap.getDynamicResources().getLdsConfig().hasAds()).isTrue();
        assertThat(bootstrap.getDynamicResources().getCdsConfig().hasAds()).isTrue();
        var xds = bootstrap.getStaticResources().getClusters(0);
        assertThat(xds.getType().name()).as("a DNS name is resolved").isEqualTo("STRICT_DNS");
        assertThat(xds.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress()
                .getSocketAddress().getPortValue()).isEqualTo(15010);
    }

    @Test
    void aSidecarNodeReadsBackAtAFrontAsThePodNamespaceAndLabelsGivenInTheScopeOfAMinimalNode() {
        Node node = EnvoyBootstrap.sidecarNode("10.0.0.1", "app-3-7", "ns-2", Map.of("app", "app-3"));
        assertThat(node.getId()).isEqualTo("sidecar~10.0.0.1~app-3-7.ns-2~ns-2.svc.cluster.local");
        ProxyIdentity read = NodeIdentities.of(node);
        assertThat(read.type()).isEqualTo(ProxyType.SIDECAR);
        assertThat(read.podName()).isEqualTo("app-3-7");
        assertThat(read.namespace()).isEqualTo("ns-2");
        assertThat(read.labels()).isEqualTo(Map.of("app", "app-3"));
        // the defaults it spells out (service account, cluster id) are a front's own: the scope of the id, NAMESPACE
        // and LABELS alone, which simulated sidecars sent before they used this node
        Node minimal = Node.newBuilder().setId(node.getId()).setMetadata(Struct.newBuilder()
                .putFields("NAMESPACE", Value.newBuilder().setStringValue("ns-2").build())
                .putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder()
                        .putFields("app", Value.newBuilder().setStringValue("app-3").build())).build())).build();
        assertThat(read.scopeId()).isEqualTo(NodeIdentities.of(minimal).scopeId());
    }

    @Test
    void aNodeIdNotInIstiosFormIsRefusedWithTheFormToUse() {
        assertThatThrownBy(() -> EnvoyBootstrap.identity("web-1", "shop", Map.of()))
                .hasMessageContaining("sidecar~<ip>~<pod>.<namespace>~<namespace>.svc.cluster.local");
        assertThatThrownBy(() -> new EnvoyBootstrap("nohost", EnvoyBootstrap.identity(
                "sidecar~10.0.0.1~web-1.shop~shop.svc.cluster.local", null, Map.of())).toJson())
                .hasMessageContaining("host:port");
    }
}
