package io.strait.ca.grpc;

import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.strait.ca.keys.Pem;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves {@link TrustBundleServiceDescriptor#WATCH}: every watcher gets the current roots, then each new set. Roots
 * are public, so any TLS caller may watch (no authentication, unlike the CSR API). The role calls {@link #update}
 * when its CA reloads; an unchanged set sends nothing.
 */
public final class TrustBundleService {
    private final Set<ServerCallStreamObserver<TrustRoots>> watchers = ConcurrentHashMap.newKeySet();
    private TrustRoots current;

    public TrustBundleService(List<X509Certificate> roots) {
        this.current = of(roots);
    }

    /** The service to add to the secure port. */
    public ServerServiceDefinition definition() {
        return ServerServiceDefinition.builder(TrustBundleServiceDescriptor.SERVICE)
                .addMethod(TrustBundleServiceDescriptor.WATCH, ServerCalls.asyncServerStreamingCall(this::watch))
                .build();
    }

    /** Sends {@code roots} to every watcher when they differ from the last set sent. */
    public synchronized void update(List<X509Certificate> roots) {
        TrustRoots next = of(roots);
        if (next.equals(current)) {
            return;
        }
        current = next;
        for (ServerCallStreamObserver<TrustRoots> w : watchers) {
            send(w, next);
        }
    }

    /** Ends every watch (the role is stopping); agents reconnect to another replica or when it is back. */
    public synchronized void close() {
        for (ServerCallStreamObserver<TrustRoots> w : watchers) {
            try {
                w.onCompleted();
            } catch (RuntimeException e) {
                // already cancelled by the peer
            }
        }
        watchers.clear();
    }

    /** Open watches (tests). */
    public int watchers() {
        return watchers.size();
    }

    private synchronized void watch(byte[] request, StreamObserver<TrustRoots> response) {
        ServerCallStreamObserver<TrustRoots> w = (ServerCallStreamObserver<TrustRoots>) response;
        w.setOnCancelHandler(() -> watchers.remove(w));
        watchers.add(w);
        send(w, current);
    }

    private void send(ServerCallStreamObserver<TrustRoots> w, TrustRoots roots) {
        try {
            w.onNext(roots);
        } catch (RuntimeException e) {
            // the call was cancelled between the check and the send: forget it
            watchers.remove(w);
        }
    }

    private static TrustRoots of(List<X509Certificate> roots) {
        return new TrustRoots(roots.stream().map(Pem::of).toList());
    }
}
