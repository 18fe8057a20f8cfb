package io.strait.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strait.model.istio.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class KindNamesTest {
    @Test
    void takesKindsAsKubectlDoesForIstiosCrds() {
        assertThat(List.of("VirtualService", "virtualservice", "virtualservices", "vs", "VS").stream().map(KindNames::parse))
                .containsOnly(Kind.VIRTUAL_SERVICE);
        assertThat(KindNames.parse("dr")).isEqualTo(Kind.DESTINATION_RULE);
        assertThat(KindNames.parse("se")).isEqualTo(Kind.SERVICE_ENTRY);
        assertThat(KindNames.parse("gw")).isEqualTo(Kind.GATEWAY);
        assertThat(KindNames.parse("gateways")).isEqualTo(Kind.GATEWAY);
        assertThat(KindNames.parse("peerauthentication")).isEqualTo(Kind.PEER_AUTHENTICATION);
        assertThat(KindNames.parse("authorizationpolicies")).isEqualTo(Kind.AUTHORIZATION_POLICY);
        assertThat(KindNames.parse("ap")).isEqualTo(Kind.AUTHORIZATION_POLICY);
        assertThat(KindNames.find("MeshConfig")).as("the mesh.yaml of a folder is no resource to get by name").isEmpty();
        assertThatThrownBy(() -> KindNames.parse("virtualsvc")).hasMessageContaining("virtualservice (vs)")
                .hasMessageContaining("destinationrule (dr)");
    }

    @Test
    void agesAreKubectls() {
        assertThat(ConfigOutput.age(42_000)).isEqualTo("42s");
        assertThat(ConfigOutput.age(7 * 60_000)).isEqualTo("7m");
        assertThat(ConfigOutput.age(3 * 3_600_000L)).isEqualTo("3h");
        assertThat(ConfigOutput.age(12 * 86_400_000L)).isEqualTo("12d");
    }
}
