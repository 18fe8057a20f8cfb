package io.strait.model.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyIdentityTest {

    @Test
    void readsIstioNodeIdsAndMetadata() {
        ProxyIdentity p = ProxyIdentity.of("sidecar~10.0.0.7~reviews-v1-abc.bookinfo~bookinfo.svc.cluster.local",
                Map.of("SERVICE_ACCOUNT", "reviews", "CLUSTER_ID", "east"), Map.of("app", "reviews"));
        assertThat(p.type()).isEqualTo(ProxyType.SIDECAR);
        assertThat(p.ip()).isEqualTo("10.0.0.7");
        assertThat(p.podName()).isEqualTo("reviews-v1-abc");
        assertThat(p.namespace()).isEqualTo("bookinfo");
        assertThat(p.serviceAccount()).isEqualTo("reviews");
        assertThat(p.clusterId()).isEqualTo("east");
        assertThat(ProxyIdentity.of("router~10.0.0.8~gw-1.istio-system~istio-system.svc.cluster.local", Map.of(), Map.of()).type())
                .isEqualTo(ProxyType.ROUTER);
        assertThat(ProxyIdentity.of("sidecar~10.0.0.9~c.ns~ns.svc.cluster.local", Map.of("GENERATOR", "grpc"), Map.of()).type())
                .isEqualTo(ProxyType.GRPC);
    }

    @Test
    void replicasShareAScopeAndOtherWorkloadsDoNot() {
        Map<String, String> labels = Map.of("app", "reviews", "version", "v1");
        String a = ProxyIdentity.of("sidecar~10.0.0.1~reviews-v1-a.bookinfo~bookinfo.svc.cluster.local", Map.of(), labels).scopeId();
        String b = ProxyIdentity.of("sidecar~10.0.0.2~reviews-v1-b.bookinfo~bookinfo.svc.cluster.local", Map.of(), labels).scopeId();
        String v2 = ProxyIdentity.of("sidecar~10.0.0.3~reviews-v2-a.bookinfo~bookinfo.svc.cluster.local", Map.of(),
                Map.of("app", "reviews", "version", "v2")).scopeId();
        String grpc = ProxyIdentity.of("sidecar~10.0.0.1~reviews-v1-a.bookinfo~bookinfo.svc.cluster.local",
                Map.of("GENERATOR", "grpc"), labels).scopeId();
        assertThat(a).isEqualTo(b).startsWith("bookinfo.sidecar.");
        assertThat(v2).isNotEqualTo(a);
        assertThat(grpc).isNotEqualTo(a);
    }

    @Test
    void aMalformedNodeIdIsRefusedWithAMessageThatSaysTheForm() {
        assertThatThrownBy(() -> ProxyIdentity.of("just-a-name", Map.of(), Map.of()))
                .hasMessageContaining("sidecar~<ip>~<pod>.<namespace>~<namespace>.svc.cluster.local");
        assertThatThrownBy(() -> ProxyIdentity.of("gateway~1~a.b~c", Map.of(), Map.of())).hasMessageContaining("sidecar~ or router~");
        assertThatThrownBy(() -> ProxyIdentity.of("sidecar~1~pod~x", Map.of(), Map.of())).hasMessageContaining("no namespace");
    }

    @Test
    void theNetworkComesFromTheNodeMetadataAndJoinsTheScopeOnlyWhenGiven() {
        Map<String, String> labels = Map.of("app", "reviews", "version", "v1");
        String id = "sidecar~10.0.0.1~reviews-v1-a.bookinfo~bookinfo.svc.cluster.local";
        ProxyIdentity none = ProxyIdentity.of(id, Map.of(), labels);
        ProxyIdentity west = ProxyIdentity.of(id, Map.of("NETWORK", "west"), labels);
        assertThat(none.network()).isEmpty();
        assertThat(west.network()).isEqualTo("west");
        // the scope id proxies had before networks existed (computed by the code before this change)
        assertThat(none.scopeId()).isEqualTo("bookinfo.sidecar.5167f43ed81e");
        assertThat(west.scopeId()).isNotEqualTo(none.scopeId()).isEqualTo(none.withNetwork("west").scopeId());
        assertThat(ProxyIdentity.of(id, Map.of("NETWORK", "east"), labels).scopeId()).isNotEqualTo(west.scopeId());
        assertThat(west.withLocality("eu/a").network()).isEqualTo("west");
    }
}
