package io.strait.agent.proxy;

import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The channel the xDS proxy opens upstream calls on, replaced when the workload's certificate or roots change. The
 * replaced channel is shut down gracefully: it takes no new calls, and the streams open on it run until they end,
 * so a rotation never cuts an xDS stream.
 */
public final class UpstreamChannel implements AutoCloseable {
    private final AtomicReference<ManagedChannel> current;

    public UpstreamChannel(ManagedChannel first) {
        this.current = new AtomicReference<>(first);
    }

    /** The channel new calls go on. */
    public ManagedChannel channel() {
        return current.get();
    }

    /** New calls go on {@code next} from now; calls open on the previous channel continue there. */
    public void replace(ManagedChannel next) {
        ManagedChannel previous = current.getAndSet(next);
        if (previous != null) {
            previous.shutdown();
        }
    }

    @Override
    public void close() {
        ManagedChannel c = current.getAndSet(null);
        if (c != null) {
            c.shutdownNow();
            try {
                c.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
