package io.strait.ca.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strait.ca.identity.SpiffeId;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenReviewResultTest {
    private static final List<String> ISTIO = List.of("istio-ca");

    @Test
    void aReviewedServiceAccountIsItsSpiffeId() throws Exception {
        var r = new TokenReviewResult(true, "", "system:serviceaccount:shop:web", List.of("istio-ca"));
        assertThat(r.identity("east", ISTIO, "example.org")).isEqualTo(new SpiffeId("example.org", "shop", "web"));
    }

    @Test
    void everyOtherAnswerIsRefusedWithWhy() {
        assertThatThrownBy(() -> new TokenReviewResult(false, "token has expired", "", List.of()).identity("east", ISTIO, "cluster.local"))
                .isInstanceOf(AuthenticationFailed.class)
                .hasMessage("the API server of cluster east did not authenticate the service-account token: token has expired");
        assertThatThrownBy(() -> new TokenReviewResult(true, "", "kubernetes-admin", ISTIO).identity("east", ISTIO, "cluster.local"))
                .hasMessageContaining("authenticates user \"kubernetes-admin\", not a service account");
        assertThatThrownBy(() -> new TokenReviewResult(true, "", "system:serviceaccount:shop", ISTIO).identity("east", ISTIO, "cluster.local"))
                .hasMessageContaining("which is not system:serviceaccount:<namespace>:<name>");
        assertThatThrownBy(() -> new TokenReviewResult(true, "", "system:serviceaccount:shop:web", List.of()).identity("east", ISTIO, "cluster.local"))
                .hasMessageContaining("confirmed audiences [], none of [istio-ca]");
        assertThatThrownBy(() -> new TokenReviewResult(true, "", "system:serviceaccount:Shop:web", ISTIO).identity("east", ISTIO, "cluster.local"))
                .hasMessageContaining("is not a valid workload identity");
    }
}
