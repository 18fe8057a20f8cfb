package io.strait.cli.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class RefusedMessageLogTest {
    private final AtomicLong millis = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    };

    private static LogRecord deframeFailure() {
        LogRecord record = new LogRecord(Level.WARNING, "Exception processing message");
        record.setThrown(Status.RESOURCE_EXHAUSTED
                .withDescription("gRPC message exceeds maximum size 4194304: 4195328").asRuntimeException());
        return record;
    }

    @Test
    void aRefusedMessageIsOneLineNamingTheCauseAtMostOnceASecond() {
        RefusedMessageLog filter = new RefusedMessageLog(clock);
        assertThat(filter.line(deframeFailure()))
                .isEqualTo("refused a message a client sent: RESOURCE_EXHAUSTED: gRPC message exceeds maximum size"
                        + " 4194304: 4195328 (the stream was ended with that status)");
        assertThat(filter.line(deframeFailure())).isNull();
        assertThat(filter.line(deframeFailure())).isNull();
        millis.addAndGet(1_000);
        assertThat(filter.line(deframeFailure())).endsWith("; 2 more since the last such line");
        millis.addAndGet(1_000);
        assertThat(filter.line(deframeFailure())).doesNotContain("more since");
    }

    @Test
    void theTraceNeverReachesTheLogAndOtherRecordsPassAsWritten() {
        RefusedMessageLog filter = new RefusedMessageLog(clock);
        assertThat(filter.isLoggable(deframeFailure())).isFalse();
        assertThat(filter.isLoggable(new LogRecord(Level.WARNING, "something else"))).isTrue();
    }
}
