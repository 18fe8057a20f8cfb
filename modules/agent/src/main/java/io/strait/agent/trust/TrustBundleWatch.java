package io.strait.agent.trust;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.strait.ca.grpc.TrustBundleServiceDescriptor;
import io.strait.ca.grpc.TrustRoots;
import io.strait.ca.keys.Pem;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the mesh's trust bundle: a {@code strait.ca.v1.TrustBundleService/Watch} stream to the CA, re-opened with
 * backoff (1 s doubling to 30 s) whenever it ends, each time on a new channel from {@code channels} so it presents
 * the certificate the workload holds then. Every set of roots received goes to {@code onRoots}.
 */
public final class TrustBundleWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrustBundleWatch.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final Supplier<ManagedChannel> channels;
    private final Consumer<List<X509Certificate>> onRoots;
    private final ScheduledExecutorService timer;
    private ManagedChannel channel;
    private Duration retry = FIRST_RETRY;
    private boolean closed;

    /**
     * @param channels a channel to the CA with the current credentials, for each (re)connection
     * @param onRoots  called with every set of roots, on a gRPC thread
     * @param timer    schedules reconnections
     */
    public TrustBundleWatch(Supplier<ManagedChannel> channels, Consumer<List<X509Certificate>> onRoots, ScheduledExecutorService timer) {
        this.channels = channels;
        this.onRoots = onRoots;
        this.timer = timer;
    }

    /** Opens the stream. */
    public synchronized TrustBundleWatch start() {
        if (closed) {
            return this;
        }
        if (channel != null) {
            channel.shutdownNow();
        }
        channel = channels.get();
        ClientCalls.asyncServerStreamingCall(channel.newCall(TrustBundleServiceDescriptor.WATCH, CallOptions.DEFAULT), new byte[0],
                new StreamObserver<>() {
                    @Override
                    public void onNext(TrustRoots roots) {
                        resetBackoff();
                        try {
                            List<X509Certificate> certs = new ArrayList<>();
                            for (String pem : roots.rootCerts()) {
                                certs.addAll(Pem.certificates(pem, "the CA's trust bundle"));
                            }
                            if (certs.isEmpty()) {
                                LOG.warn("the CA sent an empty trust bundle; keeping the roots held");
                                return;
                            }
                            onRoots.accept(List.copyOf(certs));
                        } catch (IllegalArgumentException e) {
                            LOG.warn("ignoring an unreadable trust bundle from the CA: {}", e.getMessage());
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        reconnect(io.grpc.Status.fromThrowable(t).getCode() + ": " + io.grpc.Status.fromThrowable(t).getDescription());
                    }

                    @Override
                    public void onCompleted() {
                        reconnect("the CA ended the stream");
                    }
                });
        return this;
    }

    private synchronized void resetBackoff() {
        retry = FIRST_RETRY;
    }

    private synchronized void reconnect(String why) {
        if (closed) {
            return;
        }
        LOG.info("trust bundle watch ended ({}); reconnecting in {}s", why, retry.toSeconds());
        timer.schedule(() -> {
            try {
                start();
            } catch (RuntimeException e) {
                reconnect(e.getMessage());
            }
        }, retry.toMillis(), TimeUnit.MILLISECONDS);
        retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (channel != null) {
            channel.shutdownNow();
        }
    }
}
