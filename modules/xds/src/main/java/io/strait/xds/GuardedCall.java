package io.strait.xds;

import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.ArrayDeque;

/**
 * One xDS stream as the ADS engine sees it: every response it sends passes here, so what a client has not taken is
 * counted and what the front hands to gRPC at once is bounded. The engine sends a stream what it is due whenever a
 * view changes, one response per type awaiting its ACK, and never looks at {@code isReady()}. Here a response is
 * handed to gRPC only while the stream is ready (its client reads) and the front's bytes in flight — handed to gRPC
 * and Netty, in direct memory, and not yet written out — leave room for it ({@link StreamGuard#reserve}); otherwise
 * it waits on the stream, in order, as a reference to the (mostly shared) bytes the engine built. So a revision that
 * resends 2.5 MB of full-state clusters to 10,000 streams is written out in turns within the front's budget instead
 * of asking Netty for 25 GB of direct memory at once.
 *
 * <p>A stream whose client does not read is held to two bounds: its waiting bytes may not pass the per-stream limit,
 * and it may not stay not ready past the stuck timer (see {@link StreamGuard}); either resets it. Waiting for the
 * front's budget is the front's doing and counts towards neither.
 *
 * <p>Closing is idempotent: once the front refused or reset a stream, the engine's own close (a half-close, a failed
 * request) and any late response are dropped rather than failing with "call already closed".
 */
final class GuardedCall<ReqT, RespT> extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private final StreamGuard guard;
    private volatile Runnable onEnded = () -> { };
    private volatile String proxyId = "(no node yet)";
    private boolean closed;
    /** Responses sent by the engine and not handed to gRPC yet, in order, with their bytes. */
    private final ArrayDeque<RespT> waiting = new ArrayDeque<>(2);
    private long waitingBytes;
    /** Bytes handed to gRPC that left the stream not ready: in the front's in-flight total until gRPC says it is ready. */
    private long inFlight;
    private long blockedSince;
    /** Whether the stream is in the guard's queue of streams waiting for the front's budget. */
    private boolean queued;
    private boolean released;

    GuardedCall(ServerCall<ReqT, RespT> call, StreamGuard guard) {
        super(call);
        this.guard = guard;
    }

    /** What to run once the front ended the stream, on the guard's thread and outside this call's lock. */
    void onEnded(Runnable then) {
        onEnded = then;
    }

    void proxyId(String id) {
        proxyId = id;
    }

    String proxyId() {
        return proxyId;
    }

    private static long sizeOf(Object message) {
        return message instanceof io.strait.xds.ads.OutboundResponse r ? r.size()
                : message instanceof MessageLite m ? m.getSerializedSize() : 0;
    }

    @Override
    public synchronized void sendMessage(RespT message) {
        if (closed || released) {
            return; // ended: nothing more goes out, and nothing more is counted
        }
        long size = sizeOf(message);
        boolean ready = delegate().isReady();
        if (!ready && waitingBytes + size > guard.limits().maxPendingBytesPerStream()) {
            end(waiting.size() + " responses (" + waitingBytes + " bytes, limit " + guard.limits().maxPendingBytesPerStream()
                    + ") waiting for " + seconds() + " s");
            return;
        }
        waiting.add(message);
        waitingBytes += size;
        guard.unsent(size);
        if (!ready) {
            guard.pendingBytes(waitingBytes); // what a stream has held while its client did not read
            if (blockedSince == 0) {
                blockedSince = System.nanoTime();
                guard.blocked(this);
            }
        }
        flush();
    }

    /**
     * Hands waiting responses to gRPC while the stream is ready and the front's budget has room; whether nothing is
     * left waiting for that budget (the stream may still wait for its client). Also the stream's turn when the guard's
     * queue gives it one: false then, and it keeps its place.
     */
    synchronized boolean flush() {
        while (!closed && !waiting.isEmpty() && delegate().isReady()) {
            RespT next = waiting.peek();
            long size = sizeOf(next);
            // a stream not yet in the queue does not pass those that are: they are served in turn
            if ((!queued && guard.othersAwaitBudget()) || !guard.reserve(size)) {
                if (!queued) {
                    queued = true;
                    guard.awaitBudget(this);
                }
                return false;
            }
            waiting.poll();
            waitingBytes -= size;
            try {
                super.sendMessage(next);
            } catch (RuntimeException | OutOfMemoryError e) {
                goneOut(size);
                guard.sendFailed(this, "could not send a response to proxy " + proxyId + " (" + e + "); closing its stream");
                // the client will never get it: it reconnects and is served whole, and the streams behind it go on
                endStream(Status.UNAVAILABLE.withDescription("the front could not send a response; reconnect"));
                break;
            }
            if (delegate().isReady()) {
                goneOut(size); // gRPC took it within its buffer: on its way out
            } else {
                inFlight += size; // counted until onReady says it has gone out
                if (blockedSince == 0) {
                    // a client that stalls on a large response is held to the stuck timer too: else a few such
                    // clients would keep the front's budget full, and every other stream waiting, for good
                    blockedSince = System.nanoTime();
                    guard.blocked(this);
                }
            }
        }
        queued = false;
        return true;
    }

    /** Bytes in flight that left it (written out, or never to be): no longer unread, and room in the budget. */
    private void goneOut(long bytes) {
        guard.unsent(-bytes);
        guard.release(bytes);
    }

    /** The stream ended: what it held, waiting or in flight, is no longer the front's to count. */
    synchronized void releaseUnsent() {
        released = true;
        guard.unsent(-(inFlight + waitingBytes));
        guard.release(inFlight);
        inFlight = 0;
        waiting.clear();
        waitingBytes = 0;
    }

    /** gRPC says the stream can take more: what was in flight has gone out; what waits goes next. */
    synchronized void ready() {
        if (!released && delegate().isReady()) {
            blockedSince = 0;
            guard.unblocked(this);
            goneOut(inFlight);
            inFlight = 0;
            flush();
        }
    }

    /** The front was draining other streams' backlog for {@code nanos}: that wait does not count towards stuck. */
    synchronized void waitedBehindOthers(long nanos, long now) {
        if (blockedSince != 0) {
            blockedSince = Math.min(now, blockedSince + nanos);
        }
    }

    /** Resets the stream if its client has not been ready for longer than {@code stuckNanos}. */
    synchronized void resetIfStuck(long now, long stuckNanos) {
        if (!closed && blockedSince != 0 && now - blockedSince >= stuckNanos) {
            end(waiting.size() + " responses (" + waitingBytes + " bytes) waiting and " + inFlight + " bytes unread for "
                    + seconds() + " s");
        }
    }

    private long seconds() {
        return blockedSince == 0 ? 0 : (System.nanoTime() - blockedSince) / 1_000_000_000L;
    }

    private void end(String what) {
        guard.stuck(this, "proxy " + proxyId + " stopped reading: " + what + "; closing its stream");
        endStream(io.grpc.Status.DEADLINE_EXCEEDED.withDescription("the client stopped reading its responses"));
    }

    /** The front ends the stream with {@code status}; the engine hears of it on the guard's thread. */
    private void endStream(Status status) {
        closed = true;
        blockedSince = 0;
        try {
            super.close(status, new Metadata());
        } catch (RuntimeException closing) {
            // the transport is gone (a send that failed may have taken it along): nothing more to tell the client
        }
        guard.later(onEnded);
    }

    /** Ends the stream with a refusal the front chose; false if it had already ended. */
    synchronized boolean refuse(Status status) {
        if (closed) {
            return false;
        }
        closed = true;
        super.close(status, new Metadata());
        return true;
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
        if (!closed) {
            closed = true;
            super.close(status, trailers);
        }
    }

    @Override
    public synchronized boolean isReady() {
        return !closed && super.isReady();
    }
}
