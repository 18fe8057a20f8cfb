package io.strait.ingest.revision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CrashPointTest {

    @Test
    void haltsOnlyAfterTheNthRecordOfTheTthTransaction() {
        CrashPoint crash = CrashPoint.parse("2:2");
        crash.transactionBegun();
        assertThat(crash.crashAfterSend()).isFalse();
        assertThat(crash.crashAfterSend()).isFalse();
        crash.transactionBegun();
        assertThat(crash.crashAfterSend()).isFalse();
        assertThat(crash.crashAfterSend()).isTrue();
    }

    @Test
    void unsetMeansNever() {
        CrashPoint crash = CrashPoint.parse(null);
        for (int t = 0; t < 3; t++) {
            crash.transactionBegun();
            for (int i = 0; i < 5; i++) {
                assertThat(crash.crashAfterSend()).isFalse();
            }
        }
        assertThatThrownBy(() -> CrashPoint.parse("3")).hasMessageContaining("TRANSACTION:RECORDS");
    }
}
