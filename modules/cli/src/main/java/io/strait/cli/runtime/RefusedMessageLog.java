package io.strait.cli.runtime;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC's Netty server logs every message it cannot read (one over the 4 MiB limit, a corrupt frame) as a WARNING with
 * the whole stack trace, and then ends that stream with a status the client sees (RESOURCE_EXHAUSTED, INTERNAL). A
 * client that sends such messages in a loop would fill the front's log with 40-line traces that say nothing the
 * status does not. This filter, set on that one logger, replaces each trace with one line naming the cause, and at
 * most one line a second (the lines it holds back are counted in the next one).
 */
public final class RefusedMessageLog implements Filter {
    /** The logger gRPC's Netty server stream writes its "Exception processing message" warning to. */
    public static final String GRPC_LOGGER = "io.grpc.netty.NettyServerStream";

    private static final Logger log = LoggerFactory.getLogger("strait.xds.refused");
    private final Clock clock;
    private final AtomicLong nextLineAt = new AtomicLong();
    private final AtomicLong heldBack = new AtomicLong();

    /** @param clock when a line may be written again */
    public RefusedMessageLog(Clock clock) {
        this.clock = clock;
    }

    /** Sets the filter on gRPC's server stream logger; call once, after the JUL bridge is installed. */
    public static void install() {
        java.util.logging.Logger grpc = java.util.logging.Logger.getLogger(GRPC_LOGGER);
        grpc.setFilter(new RefusedMessageLog(Clock.systemUTC()));
        KEEP.add(grpc); // JUL holds loggers weakly: a collected logger would lose the filter
    }

    private static final java.util.List<java.util.logging.Logger> KEEP = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record.getThrown() == null) {
            return true; // not the deframe failure: let it through as written
        }
        String line = line(record);
        if (line != null) {
            log.warn(line);
        }
        return false;
    }

    /** The one line to write for this record now, or null when a line was written less than a second ago. */
    String line(LogRecord record) {
        long now = clock.millis();
        long next = nextLineAt.get();
        if (now < next || !nextLineAt.compareAndSet(next, now + 1_000)) {
            heldBack.incrementAndGet();
            return null;
        }
        long more = heldBack.getAndSet(0);
        Throwable cause = record.getThrown();
        String reason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return "refused a message a client sent: " + reason + " (the stream was ended with that status)"
                + (more > 0 ? "; " + more + " more since the last such line" : "");
    }
}
