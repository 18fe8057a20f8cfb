package io.strait.translate.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.model.mesh.MeshModel;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Composition beyond the golden cases: the defaults, and failing closed. */
class PeerAuthenticationsTest {
    @Test
    void withoutAnyPolicyAWorkloadIsPermissiveAsInIstio() {
        assertThat(PeerAuthentications.of(MeshModel.EMPTY, "shop", Map.of("app", "a")))
                .isEqualTo(PeerAuthentications.Effective.DEFAULT);
    }

    @Test
    void anUnknownModeIsStrictNeverPlainText() {
        assertThat(PeerAuthentications.Mode.of("OPPORTUNISTIC")).contains(PeerAuthentications.Mode.STRICT);
        assertThat(PeerAuthentications.Mode.of("UNSET")).isEqualTo(Optional.empty());
        assertThat(PeerAuthentications.Mode.of(null)).isEqualTo(Optional.empty());
    }
}
