package io.strait.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.strait.model.proxy.ProxyIdentity;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeAuthorizationTest {
    private final NodeAuthorization check = new NodeAuthorization(Set.of("cluster.local", "old.local"));

    private static ProxyIdentity node(String namespace, String serviceAccount) {
        return ProxyIdentity.of("sidecar~10.0.0.1~a-1." + namespace + "~" + namespace + ".svc.cluster.local",
                Map.of("NAMESPACE", namespace, "SERVICE_ACCOUNT", serviceAccount), Map.of());
    }

    @Test
    void plaintextStreamsAreNotChecked() {
        assertThat(check.refusal(null, node("shop", "a"))).isEmpty();
    }

    @Test
    void matchingIdentityIsAccepted() {
        assertThat(check.refusal(new SecureCaller(List.of("spiffe://cluster.local/ns/shop/sa/a")), node("shop", "a"))).isEmpty();
    }

    @Test
    void trustDomainAliasIsAccepted() {
        assertThat(check.refusal(new SecureCaller(List.of("spiffe://old.local/ns/shop/sa/a")), node("shop", "a"))).isEmpty();
    }

    @Test
    void noCertificateIsUnauthenticated() {
        Status refused = check.refusal(new SecureCaller(List.of()), node("shop", "a")).orElseThrow();
        assertThat(refused.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refused.getDescription()).startsWith("the secure port requires a mesh workload certificate");
    }

    @Test
    void otherServiceAccountIsDeniedNamingBoth() {
        Status refused = check.refusal(new SecureCaller(List.of("spiffe://cluster.local/ns/shop/sa/a")), node("shop", "b")).orElseThrow();
        assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refused.getDescription()).contains("spiffe://cluster.local/ns/shop/sa/a").contains("matched shop/b");
    }

    @Test
    void otherNamespaceIsDenied() {
        Status refused = check.refusal(new SecureCaller(List.of("spiffe://cluster.local/ns/shop/sa/a")), node("web", "a")).orElseThrow();
        assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refused.getDescription()).contains("matched web/a");
    }

    @Test
    void foreignTrustDomainIsDeniedEvenWhenNamesMatch() {
        Status refused = check.refusal(new SecureCaller(List.of("spiffe://evil.org/ns/shop/sa/a")), node("shop", "a")).orElseThrow();
        assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refused.getDescription()).contains("not in the mesh's trust domain");
    }

    @Test
    void nodeWithoutServiceAccountIsComparedAsDefault() {
        ProxyIdentity unnamed = ProxyIdentity.of("sidecar~10.0.0.1~a-1.shop~shop.svc.cluster.local", Map.of(), Map.of());
        assertThat(check.refusal(new SecureCaller(List.of("spiffe://cluster.local/ns/shop/sa/a")), unnamed)).isPresent();
        assertThat(check.refusal(new SecureCaller(List.of("spiffe://cluster.local/ns/shop/sa/default")), unnamed)).isEmpty();
    }

    @Test
    void malformedUriIsDenied() {
        Status refused = check.refusal(new SecureCaller(List.of("spiffe://cluster.local/shop/a")), node("shop", "a")).orElseThrow();
        assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }
}
