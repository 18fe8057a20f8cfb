package io.strait.xds.ads;

import io.strait.bus.wire.XdsType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One scope at a front: the view it serves now, the streams of its proxies, their interned subscriptions, and the
 * responses being sent for it. A response is a function of (the view a stream holds, the view it is to hold, its
 * subscriptions then and now); every stream in the same state is sent the same {@link PreparedResponse}, built and
 * serialized once — when 10,000 proxies of a scope hold view V and V' arrives, V→V' is built once per type.
 *
 * <p>A shared response is held only while some stream still needs it, never because it was once built: a scope's
 * initial sync is megabytes, and a front with hundreds of scopes cannot keep each of them after every proxy took it.
 * Three kinds of holder keep a {@link Shared} response alive: a fan-out {@link Pass}, which holds every response it
 * builds until it has visited every stream of the scope (so streams in the same state share one serialization); a
 * stream that was waiting for an ACK when the view arrived, for the diff it will be sent once the ACK comes; and a
 * stream that was sent it, until its client answers (so proxies connecting at the same time share their initial
 * sync). When the last holder lets go, the response is forgotten; a stream that needs it later (a proxy connecting
 * once the others have ACKed) has it built again.
 */
final class ScopeStreams {
    /** What a shared response depends on; views and subscriptions compare by identity (both are shared instances). */
    record Key(XdsType type, boolean delta, TypeView from, Subscription fromSub, TypeView to, Subscription toSub) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.type == type && k.delta == delta && k.from == from && k.fromSub == fromSub
                    && k.to == to && k.toSub == toSub;
        }

        @Override
        public int hashCode() {
            return ((((type.hashCode() * 31 + Boolean.hashCode(delta)) * 31 + System.identityHashCode(from)) * 31
                    + System.identityHashCode(fromSub)) * 31 + System.identityHashCode(to)) * 31 + System.identityHashCode(toSub);
        }
    }

    /** One shared response, built on first use, and how many holders still need it (counted under the map's lock). */
    final class Shared {
        final Key key;
        private int holders;
        private PreparedResponse response;

        private Shared(Key key) {
            this.key = key;
        }

        /** The response, serialized by the first stream that needs it. */
        synchronized PreparedResponse response() {
            if (response == null) {
                response = build(key);
                built.incrementAndGet();
            }
            return response;
        }
    }

    /**
     * One fan-out pass over the scope's streams: holds every response acquired through it until closed, so that each
     * is built once for all the streams the pass visits. Used by the fan-out thread only.
     */
    final class Pass implements AutoCloseable {
        private final Set<Shared> held = new HashSet<>();

        @Override
        public void close() {
            List<Shared> all = new ArrayList<>(held);
            held.clear();
            all.forEach(ScopeStreams.this::release);
        }
    }

    final String scope;
    private volatile ScopeView view;
    final Set<AdsStream> streams = ConcurrentHashMap.newKeySet();
    private final Map<XdsType, Subscriptions> subscriptions = new EnumMap<>(XdsType.class);
    private final Map<Key, Shared> responses = new ConcurrentHashMap<>();
    private final AtomicLong built = new AtomicLong();

    ScopeStreams(String scope) {
        this.scope = scope;
        for (XdsType t : XdsType.values()) {
            subscriptions.put(t, new Subscriptions());
        }
    }

    ScopeView view() {
        return view;
    }

    /**
     * A new view: responses towards older ones are forgotten, whoever still holds them (a stream waiting for one is
     * due the new view instead, and says so on the next pass).
     */
    void install(ScopeView next) {
        view = next;
        responses.keySet().removeIf(k -> k.to != next.type(k.type));
    }

    /** A fan-out pass: close it once every stream of the scope was visited. */
    Pass pass() {
        return new Pass();
    }

    Subscriptions subscriptions(XdsType type) {
        return subscriptions.get(type);
    }

    /** The key of the state-of-the-world response from what a stream holds to {@code to}. */
    static Key sotwKey(XdsType type, TypeView from, Subscription fromSub, TypeView to, Subscription toSub) {
        boolean fullState = type == XdsType.CDS || type == XdsType.LDS;
        // a full-state response does not depend on what the client holds: one per subscription
        return fullState || from == null ? new Key(type, false, null, null, to, toSub) : new Key(type, false, from, fromSub, to, toSub);
    }

    /** The key of the delta response from {@code from} (held exactly, no exception) to {@code to}. */
    static Key deltaKey(XdsType type, TypeView from, Subscription fromSub, TypeView to, Subscription toSub) {
        return new Key(type, true, from, fromSub, to, toSub);
    }

    /**
     * The shared response for {@code key}, held once more until {@link #release}d (and by {@code pass}, when given,
     * until the pass ends). Building it is left to {@link Shared#response()}, so a stream that only waits for it costs
     * no serialization.
     */
    Shared acquire(Key key, Pass pass) {
        return responses.compute(key, (k, held) -> {
            Shared s = held == null ? new Shared(k) : held;
            s.holders++;
            if (pass != null && pass.held.add(s)) {
                s.holders++;
            }
            return s;
        });
    }

    /** One holder of {@code s} is done with it: the last one forgets it. */
    void release(Shared s) {
        if (s != null) {
            responses.computeIfPresent(s.key, (k, held) -> held != s || --held.holders > 0 ? held : null);
        }
    }

    private static PreparedResponse build(Key k) {
        if (!k.delta) {
            boolean fullState = k.type == XdsType.CDS || k.type == XdsType.LDS;
            return PreparedResponse.sotw(k.to.typeUrl(), k.toSub.sotwVersion(k.to), Diffs.sotw(k.from, k.fromSub, k.to, k.toSub, fullState));
        }
        return PreparedResponse.delta(k.to.typeUrl(), k.to.version(), Diffs.delta(k.from, k.fromSub, null, k.to, k.toSub));
    }

    /** Responses held (tests, debug). */
    int responsesHeld() {
        return responses.size();
    }

    /** Responses built since the scope was first seen (tests, debug). */
    long responsesBuilt() {
        return built.get();
    }
}
