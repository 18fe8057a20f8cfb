package io.strait.xds;

import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import java.util.concurrent.TimeoutException;

/**
 * One xDS stream as the ADS engine sees it: every response it sends passes here, so the responses a client has not
 * taken can be counted. The engine sends a stream what it is due whenever a view changes, one response per type
 * awaiting its ACK, and never looks at {@code isReady()}: for a client that stops reading, gRPC and Netty queue what
 * was sent once the client's HTTP/2 window is full, and a large mesh's full-state clusters are megabytes. A response
 * sent while the stream is not ready is counted as pending until gRPC says it is ready again; a stream whose pending
 * bytes would pass the limit, or that has held pending responses too long, is reset.
 *
 * <p>Closing is idempotent: once the front refused or reset a stream, the engine's own close (a half-close, a failed
 * request) and any late response are dropped rather than failing with "call already closed".
 */
final class GuardedCall<ReqT, RespT> extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private final StreamGuard guard;
    private volatile Runnable onEnded = () -> { };
    private volatile String proxyId = "(no node yet)";
    private boolean closed;
    private int pending;
    private long pendingBytes;
    private long blockedSince;
    /** Bytes sent that left the stream not ready, counted in the front's total until gRPC says it is ready again. */
    private long unsent;
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

    @Override
    public synchronized void sendMessage(RespT message) {
        if (closed) {
            return;
        }
        if (!delegate().isReady()) {
            long size = message instanceof MessageLite m ? m.getSerializedSize()
                    : message instanceof io.strait.xds.ads.OutboundResponse r ? r.size() : 0;
            if (pendingBytes + size > guard.limits().maxPendingBytesPerStream()) {
                end(pending + " responses (" + pendingBytes + " bytes, limit " + guard.limits().maxPendingBytesPerStream()
                        + ") pending for " + seconds() + " s");
                return;
            }
            pending++;
            pendingBytes += size;
            if (blockedSince == 0) {
                blockedSince = System.nanoTime();
                guard.blocked(this);
            }
            guard.pendingBytes(pendingBytes);
        }
        super.sendMessage(message);
        if (!released && !delegate().isReady()) {
            // gRPC holds what the client has not read beyond its window: the front's total counts it until onReady
            long size = message instanceof io.strait.xds.ads.OutboundResponse r ? r.size()
                    : message instanceof MessageLite m ? m.getSerializedSize() : 0;
            unsent += size;
            guard.unsent(size);
            if (blockedSince == 0) {
                // a client that stalls on its first large response is held to the stuck timer too: else a few such
                // clients would keep the front's budget full, and every new stream refused, for good
                blockedSince = System.nanoTime();
                guard.blocked(this);
            }
        }
    }

    /** The stream ended: what it held unsent is no longer the front's to count. */
    synchronized void releaseUnsent() {
        released = true;
        guard.unsent(-unsent);
        unsent = 0;
    }

    /** gRPC says the stream can take more: what was pending has gone out. */
    synchronized void ready() {
        if (delegate().isReady()) {
            pending = 0;
            pendingBytes = 0;
            blockedSince = 0;
            guard.unblocked(this);
            guard.unsent(-unsent);
            unsent = 0;
        }
    }

    /** The front was draining other streams' backlog for {@code nanos}: that wait does not count towards stuck. */
    synchronized void waitedBehindOthers(long nanos, long now) {
        if (blockedSince != 0) {
            blockedSince = Math.min(now, blockedSince + nanos);
        }
    }

    /** Resets the stream if it has held responses unsent for longer than {@code stuckNanos}. */
    synchronized void resetIfStuck(long now, long stuckNanos) {
        if (!closed && blockedSince != 0 && now - blockedSince >= stuckNanos) {
            end(pending + " responses (" + pendingBytes + " bytes) pending for " + seconds() + " s");
        }
    }

    private long seconds() {
        return blockedSince == 0 ? 0 : (System.nanoTime() - blockedSince) / 1_000_000_000L;
    }

    private void end(String what) {
        closed = true;
        guard.stuck(this, "proxy " + proxyId + " stopped reading: " + what + "; closing its stream");
        pending = 0;
        pendingBytes = 0;
        blockedSince = 0;
        super.close(io.grpc.Status.DEADLINE_EXCEEDED.withDescription("the client stopped reading its responses"), new Metadata());
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
