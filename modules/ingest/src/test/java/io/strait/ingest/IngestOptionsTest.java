package io.strait.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IngestOptionsTest {
    @Test
    void defaultsAreIstiodsTwentyMinutes() {
        assertThat(IngestOptions.DEFAULTS.jwksRefresh()).isEqualTo(Duration.ofMinutes(20));
        assertThat(IngestOptions.DEFAULTS.meshConfig()).isNull();
        assertThat(new IngestOptions(null, null).jwksRefresh()).isEqualTo(Duration.ofMinutes(20));
    }

    @Test
    void readsGoDurationsAsTheFlagGivesThem() {
        assertThat(IngestOptions.parseJwksRefresh("20m")).isEqualTo(Duration.ofMinutes(20));
        assertThat(IngestOptions.parseJwksRefresh("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(IngestOptions.DEFAULTS.withJwksRefresh(IngestOptions.parseJwksRefresh("90s")).jwksRefresh())
                .isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void refusesWhatIsNotAPositiveDurationNamingTheField() {
        assertThatThrownBy(() -> IngestOptions.parseJwksRefresh("twenty")).hasMessage(
                "jwksRefresh: \"twenty\" is not a duration (e.g. 20m, 1h30m, 90s)");
        assertThatThrownBy(() -> IngestOptions.parseJwksRefresh("0s")).hasMessageStartingWith("jwksRefresh: \"0s\" must be a positive");
        assertThatThrownBy(() -> new IngestOptions(null, Duration.ofSeconds(-1))).hasMessageStartingWith("jwksRefresh: ");
    }
}
