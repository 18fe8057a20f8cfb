package io.strait.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strait.bus.kafka.EmbeddedKafka;
import org.junit.jupiter.api.Test;

class BackendsTest {
    @Test
    void anAddressAnsweringOneNameIsNotSilentlyKeptForAnother() throws Exception {
        int port = EmbeddedKafka.freePort();
        try (Backends backends = new Backends()) {
            backends.start("127.0.0.1", port, "v1");
            backends.start("127.0.0.1", port, "v1"); // the same again: nothing to do
            assertThatThrownBy(() -> backends.start("127.0.0.1", port, "v2"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("127.0.0.1:" + port + " already answers v1, so it cannot answer v2");
            assertThat(backends.addresses()).containsExactly("127.0.0.1:" + port);
        }
    }

    @Test
    void freePortsAreDistinct() {
        int[] ports = EmbeddedKafka.freePorts(50);
        assertThat(java.util.Arrays.stream(ports).distinct().count()).isEqualTo(50);
    }
}
