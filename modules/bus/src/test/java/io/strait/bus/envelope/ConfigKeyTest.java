package io.strait.bus.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strait.model.istio.ResourceKey;
import org.junit.jupiter.api.Test;

class ConfigKeyTest {

    @Test
    void aGitSourceNameWithItsOwnAtSurvivesTheRoundTrip() {
        ConfigKey key = new ConfigKey(new ResourceKey("VirtualService", "bookinfo", "reviews"),
                "git:ssh://git@example.com/mesh.git@main");
        assertThat(key).hasToString("VirtualService/bookinfo/reviews@git:ssh://git@example.com/mesh.git@main");
        assertThat(ConfigKey.parse(key.toString())).isEqualTo(key);
    }

    @Test
    void aClusterScopedKeyKeepsItsEmptyNamespace() {
        assertThat(ConfigKey.parse("MeshConfig//mesh@folder:config-sources").resource())
                .isEqualTo(new ResourceKey("MeshConfig", "", "mesh"));
    }

    @Test
    void aKeyWithoutSourceIsRefused() {
        assertThatThrownBy(() -> ConfigKey.parse("VirtualService/bookinfo/reviews"))
                .hasMessageContaining("without a source");
    }
}
