package io.strait.xds;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands between gRPC and the front's ADS engine ({@link io.strait.xds.ads.AdsServices}) on every discovery stream:
 * holds each stream to its request rate ({@link RequestRate}, {@link FrontLimits#requestsPerSecond()} with a burst),
 * screens each request ({@link RequestScreen}) and bounds what each stream may hold unsent ({@link GuardedCall}). A
 * refused request ends its stream with a one-line status; the engine is told the stream was cancelled, so it forgets
 * the stream (its subscriptions, and any shared response it was waiting for) and the proxy tracker unregisters the
 * proxy, and nothing is logged at ERROR. The listener's methods are called under its lock: gRPC calls them one at a
 * time, and the front's own ending of a stuck stream (from the sweep thread) must not run beside them.
 *
 * <p>Metrics: {@code strait_xds_streams} (open discovery streams), {@code strait_xds_refused_total{reason}} (streams
 * ended for a request, by status code: INVALID_ARGUMENT, RESOURCE_EXHAUSTED for too many names or too many requests,
 * UNAVAILABLE for a new stream while the front holds more unread bytes than {@link FrontLimits#maxUnsentBytes()}),
 * {@code strait_xds_stuck_closed_total}, {@code strait_xds_unsent_bytes} (what all streams hold unread, waiting on
 * the stream or in flight: above {@link FrontLimits#maxUnsentBytes()} new streams are refused UNAVAILABLE),
 * {@code strait_xds_in_flight_bytes} (handed to gRPC and not yet written out: streams take turns to keep it within
 * {@link FrontLimits#maxUnsentBytes()}, see {@link GuardedCall}), {@code strait_xds_pending_bytes_max} (the most
 * response bytes any stream has held while its client was not reading, since the front started: never above
 * {@link FrontLimits#maxPendingBytesPerStream()}).
 */
final class StreamGuard implements ServerInterceptor, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamGuard.class);

    private final FrontLimits limits;
    private final RequestScreen screen;
    private final MeterRegistry metrics;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong pendingMax = new AtomicLong();
    /** Response bytes all streams hold that their clients have not read ({@link FrontLimits#maxUnsentBytes()}). */
    private final AtomicLong unsent = new AtomicLong();
    private final Counter stuckClosed;
    private final Set<GuardedCall<?, ?>> blocked = ConcurrentHashMap.newKeySet();
    /**
     * Bytes handed to gRPC that have not gone out yet (Netty holds them in direct memory): at most
     * {@link FrontLimits#maxUnsentBytes()}, beyond one response ({@link #reserve}).
     */
    private final AtomicLong inFlight = new AtomicLong();
    /** Streams with a response waiting for room in {@link #inFlight}, in the order they asked. */
    private final java.util.Queue<GuardedCall<?, ?>> awaitingBudget = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean admitting = new java.util.concurrent.atomic.AtomicBoolean();
    /** Counts releases of in-flight bytes, so a turn that found no room knows whether room was made meanwhile. */
    private final AtomicLong releases = new AtomicLong();
    /** Blocked streams that became ready again: while it moves, the front is draining a backlog. */
    private final AtomicLong drained = new AtomicLong();
    private final ScheduledExecutorService sweep = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "strait-xds-stuck-sweep");
        t.setDaemon(true);
        return t;
    });

    StreamGuard(FrontLimits limits, MeterRegistry metrics) {
        this.limits = limits;
        this.screen = new RequestScreen(limits);
        this.metrics = metrics;
        Gauge.builder("strait_xds_streams", open, AtomicInteger::get).description("Open discovery streams").register(metrics);
        Gauge.builder("strait_xds_pending_bytes_max", pendingMax, AtomicLong::get).baseUnit("bytes")
                .description("Most response bytes one stream has held that its client had not taken").register(metrics);
        Gauge.builder("strait_xds_unsent_bytes", unsent, AtomicLong::get).baseUnit("bytes")
                .description("Response bytes all streams hold that their clients have not read yet").register(metrics);
        Gauge.builder("strait_xds_in_flight_bytes", inFlight, AtomicLong::get).baseUnit("bytes")
                .description("Response bytes handed to gRPC that have not gone out yet (bounded by the front's budget)")
                .register(metrics);
        stuckClosed = Counter.builder("strait_xds_stuck_closed_total").description("Streams reset because their client stopped reading")
                .register(metrics);
        long every = Math.max(50, limits.stuckAfter().toMillis() / 4);
        long stuckNanos = limits.stuckAfter().toNanos();
        long[] last = {System.nanoTime(), 0};
        // only blocked streams are visited: a healthy fleet costs the sweep nothing
        sweep.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            long drainedNow = drained.get();
            long since = now - last[0];
            boolean draining = drainedNow != last[1];
            last[0] = now;
            last[1] = drainedNow;
            // While blocked streams are still getting their bytes out (some became ready since the last sweep), the
            // front is working through a backlog — a change resent in full to 10,000 streams, a saturated link — and a
            // stream waiting its turn is not stuck: the clocks of the blocked stand still. A client that never reads
            // is still bounded by the pending-bytes limit, and is reset once the backlog is gone and its clock runs.
            blocked.forEach(c -> {
                if (draining) {
                    c.waitedBehindOthers(since, now);
                } else {
                    c.resetIfStuck(now, stuckNanos);
                }
            });
        }, every, every, TimeUnit.MILLISECONDS);
    }

    FrontLimits limits() {
        return limits;
    }

    int openStreams() {
        return open.get();
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        GuardedCall<ReqT, RespT> guarded = new GuardedCall<>(call, this);
        boolean ads = call.getMethodDescriptor().getFullMethodName().contains("AggregatedDiscoveryService");
        open.incrementAndGet();
        Listener<ReqT> listener = new Listener<>(next.startCall(guarded, headers), guarded, ads);
        guarded.onEnded(listener::endedByFront);
        return listener;
    }

    /** The inbound half of a guarded stream. */
    private final class Listener<ReqT> extends ForwardingServerCallListener.SimpleForwardingServerCallListener<ReqT> {
        private final GuardedCall<ReqT, ?> call;
        private final boolean ads;
        private boolean first = true;
        private boolean ended;
        private final RequestRate rate = new RequestRate(limits.requestsPerSecond(), limits.requestBurst(), System.nanoTime());

        Listener(ServerCall.Listener<ReqT> delegate, GuardedCall<ReqT, ?> call, boolean ads) {
            super(delegate);
            this.call = call;
            this.ads = ads;
        }

        @Override
        public synchronized void onMessage(ReqT message) {
            if (ended) {
                return;
            }
            RequestScreen.Outcome outcome;
            String typeUrl;
            if (!(message instanceof DiscoveryRequest) && !(message instanceof DeltaDiscoveryRequest)) {
                super.onMessage(message); // load reports and anything else keep their own handling
                return;
            }
            if (first && unsent.get() > limits.maxUnsentBytes()) {
                // before the screen: a new stream of a fleet reconnecting at once waits its turn, with a status its
                // client retries on (Envoy and gRPC reconnect with a backoff)
                outcome = RequestScreen.Outcome.refuse(io.grpc.Status.Code.UNAVAILABLE, "the front holds " + unsent.get()
                        + " bytes of responses its clients have not read yet (limit " + limits.maxUnsentBytes()
                        + "): a new stream waits its turn; reconnect in a moment");
                typeUrl = "";
            } else if (!rate.take(System.nanoTime())) {
                // checked before the screen, so a looping client costs the front a comparison per request, no parsing
                outcome = RequestScreen.Outcome.refuse(io.grpc.Status.Code.RESOURCE_EXHAUSTED, "more than "
                        + limits.requestsPerSecond() + " discovery requests a second (burst " + limits.requestBurst()
                        + ") on one stream; an Envoy sends one per response and per subscription change: check the client for a request loop");
                typeUrl = "";
            } else if (message instanceof DiscoveryRequest r) {
                outcome = screen.sotw(r, first, ads);
                typeUrl = r.getTypeUrl();
                nodeOf(r.hasNode() ? r.getNode().getId() : null);
            } else {
                DeltaDiscoveryRequest r = (DeltaDiscoveryRequest) message;
                outcome = screen.delta(r, first, ads);
                typeUrl = r.getTypeUrl();
                nodeOf(r.hasNode() ? r.getNode().getId() : null);
            }
            first = false;
            switch (outcome.verdict()) {
                case SERVE -> super.onMessage(message);
                case LEAVE_UNANSWERED -> {
                    LOG.info("proxy {} asked for {}, which Strait does not serve: left unanswered", call.proxyId(),
                            RequestScreen.echo(typeUrl));
                    call.request(1); // the engine's handler asks for the next request after each it serves; this one never reaches it
                }
                case REFUSE -> {
                    String reason = outcome.status().getDescription();
                    if (outcome.status().getCode() == io.grpc.Status.Code.UNAVAILABLE) {
                        // the front's own load, not the client's fault, and thousands at once in a reconnect storm:
                        // counted below and in strait_xds_unsent_bytes, logged only at debug
                        LOG.debug("refusing the stream of proxy {} for now: {}", call.proxyId(), reason);
                    } else {
                        LOG.warn("refusing the stream of proxy {}: {} ({})", call.proxyId(), reason, outcome.status().getCode());
                    }
                    Counter.builder("strait_xds_refused_total").tag("reason", outcome.status().getCode().name())
                            .description("Discovery streams ended for a request the front does not take").register(metrics)
                            .increment();
                    call.refuse(outcome.status());
                    end();
                    // as a cancelled stream, the engine forgets it and tells the proxy tracker it closed
                    super.onCancel();
                }
            }
        }

        private void nodeOf(String id) {
            if (id != null && !id.isEmpty() && first) {
                call.proxyId(RequestScreen.echo(id));
            }
        }

        @Override
        public synchronized void onReady() {
            call.ready();
            if (!ended) {
                super.onReady();
            }
        }

        @Override
        public synchronized void onHalfClose() {
            if (!ended) {
                super.onHalfClose();
            }
        }

        @Override
        public synchronized void onCancel() {
            boolean wasEnded = ended;
            end();
            if (!wasEnded) {
                super.onCancel();
            }
        }

        @Override
        public synchronized void onComplete() {
            boolean wasEnded = ended;
            end();
            if (!wasEnded) {
                super.onComplete();
            }
        }

        /** The front ended the stream (its client stopped reading): the engine drops it as a cancelled one. */
        synchronized void endedByFront() {
            if (!ended) {
                end();
                super.onCancel();
            }
        }

        private void end() {
            if (!ended) {
                ended = true;
                open.decrementAndGet();
                blocked.remove(call);
                call.releaseUnsent();
            }
        }
    }

    /** Runs {@code task} on the guard's thread (never under a call's lock). */
    void later(Runnable task) {
        try {
            sweep.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the front is shutting down: its server ends every stream anyway
        }
    }

    void blocked(GuardedCall<?, ?> call) {
        blocked.add(call);
    }

    void unblocked(GuardedCall<?, ?> call) {
        if (blocked.remove(call)) {
            drained.incrementAndGet(); // a blocked stream's bytes went out: the front is moving its backlog
        }
    }

    /**
     * Takes room for {@code size} bytes in flight: false when the front's budget has none (a response larger than the
     * whole budget still goes out, alone).
     */
    boolean reserve(long size) {
        while (true) {
            long now = inFlight.get();
            if (now > 0 && now + size > limits.maxUnsentBytes()) {
                return false;
            }
            if (inFlight.compareAndSet(now, now + size)) {
                return true;
            }
        }
    }

    /** {@code size} bytes in flight have gone out (or their stream ended): streams waiting for room take their turns. */
    void release(long size) {
        if (size != 0) {
            inFlight.addAndGet(-size);
            releases.incrementAndGet();
            if (!awaitingBudget.isEmpty()) {
                admitLater();
            }
        }
    }

    /** Whether some stream waits for room in the budget (a newcomer queues behind it). */
    boolean othersAwaitBudget() {
        return !awaitingBudget.isEmpty();
    }

    /** {@code call} has a response waiting for room in the budget: it is given its turn once there is. */
    void awaitBudget(GuardedCall<?, ?> call) {
        awaitingBudget.add(call);
        admitLater();
    }

    private void admitLater() {
        if (admitting.compareAndSet(false, true)) {
            later(this::admit);
        }
    }

    /**
     * Gives waiting streams their turns, first come first served, until the budget is full; on the guard's thread, so
     * no stream's lock is taken while another's is held.
     */
    private void admit() {
        long releasedBefore = releases.get();
        boolean full = false;
        try {
            for (GuardedCall<?, ?> next; (next = awaitingBudget.peek()) != null; ) {
                if (!next.flush()) {
                    full = true;
                    break;
                }
                awaitingBudget.poll();
            }
        } finally {
            admitting.set(false);
        }
        // room made, or a stream queued, while this ran (their own call found it running): another round
        if (!awaitingBudget.isEmpty() && (!full || releases.get() != releasedBefore)) {
            admitLater();
        }
    }

    /** Bytes in flight now (tests, debug). */
    long inFlightBytes() {
        return inFlight.get();
    }

    void unsent(long delta) {
        if (delta != 0) {
            unsent.addAndGet(delta);
        }
    }

    /** Bytes all streams hold unsent (tests, debug). */
    long unsentBytes() {
        return unsent.get();
    }

    void pendingBytes(long bytes) {
        pendingMax.accumulateAndGet(bytes, Math::max);
    }

    void sendFailed(GuardedCall<?, ?> call, String reason) {
        blocked.remove(call);
        LOG.warn(reason);
    }

    void stuck(GuardedCall<?, ?> call, String reason) {
        blocked.remove(call);
        stuckClosed.increment();
        LOG.warn(reason);
    }

    @Override
    public void close() {
        sweep.shutdownNow();
    }
}
