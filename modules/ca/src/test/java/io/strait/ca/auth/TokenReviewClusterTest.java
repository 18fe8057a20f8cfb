package io.strait.ca.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenReviewClusterTest {
    @Test
    void parsesTheFlagWithIstiosAudienceByDefault() {
        TokenReviewCluster c = TokenReviewCluster.parse("kubeconfig=/etc/kube/east.yaml,cluster=east");
        assertThat(c.clusterId()).isEqualTo("east");
        assertThat(c.kubeconfig()).isEqualTo(Path.of("/etc/kube/east.yaml"));
        assertThat(c.audiences()).containsExactly("istio-ca");
        assertThat(c.inCluster()).isFalse();
    }

    @Test
    void inClusterAndSeveralAudiences() {
        TokenReviewCluster c = TokenReviewCluster.parse("cluster=Kubernetes, kubeconfig=in-cluster, audience=strait, audience=istio-ca");
        assertThat(c.inCluster()).isTrue();
        assertThat(c.audiences()).containsExactly("strait", "istio-ca");
    }

    @Test
    void badFlagsSayWhatIsWrong() {
        assertThatThrownBy(() -> TokenReviewCluster.parse("kubeconfig=/k")).hasMessageContaining("needs cluster=ID");
        assertThatThrownBy(() -> TokenReviewCluster.parse("cluster=east")).hasMessageContaining("needs kubeconfig=PATH, or kubeconfig=in-cluster");
        assertThatThrownBy(() -> TokenReviewCluster.parse("cluster=east,kubeconfig=/k,network=n1")).hasMessageContaining("unknown key \"network\"");
        assertThatThrownBy(() -> TokenReviewCluster.parse("cluster=east,kubeconfig")).hasMessageContaining("\"kubeconfig\" is not key=value");
        assertThatThrownBy(() -> TokenReviewCluster.parse("cluster=a,cluster=b,kubeconfig=/k")).hasMessageContaining("gives cluster= twice");
        var east = TokenReviewCluster.parse("cluster=east,kubeconfig=/k");
        assertThatThrownBy(() -> TokenReviewCluster.distinct(List.of(east, east))).hasMessageContaining("names cluster east twice");
    }
}
