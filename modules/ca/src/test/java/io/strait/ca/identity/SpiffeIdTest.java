package io.strait.ca.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SpiffeIdTest {

    @Test
    void formatsAndParsesIstiosForm() {
        SpiffeId id = new SpiffeId("cluster.local", "bookinfo", "reviews");
        assertThat(id.uri()).isEqualTo("spiffe://cluster.local/ns/bookinfo/sa/reviews");
        assertThat(SpiffeId.parse(id.uri())).isEqualTo(id);
    }

    @Test
    void refusesWhatIsNotAWorkloadIdentity() {
        assertThat(SpiffeId.tryParse("spiffe://cluster.local/ns/a")).isEmpty();
        assertThat(SpiffeId.tryParse("https://cluster.local/ns/a/sa/b")).isEmpty();
        assertThat(SpiffeId.tryParse("spiffe://cluster.local/ns/a/sa/b/extra")).isEmpty();
        assertThat(SpiffeId.tryParse("spiffe://cluster.local/ns/A_B/sa/b")).isEmpty();
        assertThat(SpiffeId.tryParse(null)).isEmpty();
        assertThatThrownBy(() -> new SpiffeId("cluster.local", "ns", "Bad SA"))
                .hasMessageContaining("service account \"Bad SA\" is not valid");
        assertThatThrownBy(() -> new SpiffeId("cluster.local", "x".repeat(64), "sa")).hasMessageContaining("at most 63");
        assertThatThrownBy(() -> SpiffeId.parse("spiffe://td/ns/a")).hasMessageContaining("spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>");
    }
}
