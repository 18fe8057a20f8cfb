package io.strait.xds.ads;

import io.strait.bus.wire.XdsType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The responses being sent at a front, shared by every stream in the same state, whatever its scope. A response is a
 * function of (the view a stream holds, the view it is to hold, its subscriptions then and now); views are shared by
 * the scopes serving the same content (the front keeps one {@link TypeView} per type and version) and subscriptions are
 * interned front-wide ({@link Subscriptions}), so when 200 scopes of 5 proxies each see the same clusters and one
 * changes, V→V' is built and serialized once for all 1,000 streams, not once per scope.
 *
 * <p>A shared response is held only while some stream still needs it, never because it was once built: an initial
 * sync is megabytes, and a front cannot keep each of them after every proxy took it. Three kinds of holder keep a
 * {@link Shared} response alive: a fan-out {@link Pass}, which holds every response it builds until it has visited
 * every stream of the batch's scopes (so streams in the same state share one serialization); a stream that was waiting for an
 * ACK when the view arrived, for the diff it will be sent once the ACK comes; and a stream that was sent it, until its
 * client answers (so proxies connecting at the same time share their initial sync). When the last holder lets go, the
 * response is forgotten; a stream that needs it later (a proxy connecting once the others have ACKed) has it built
 * again — except a small answer to a new subscription of the same view: the last of those released are kept
 * ({@link #RECENT} of them, none over {@link #RECENT_MAX_BYTES}), because proxies ask one after another and each
 * answers in milliseconds, so without them a new cluster's assignment, asked for by every proxy once it has the
 * cluster, would be diffed again for each. They keep their view and both subscriptions alive until newer ones push
 * them out.
 */
final class SharedResponses {
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
     * One fan-out pass over the streams of a batch's scopes: holds every response acquired through it until closed, so
     * that each is built once for all the streams the pass visits. Used by the fan-out thread only.
     */
    final class Pass implements AutoCloseable {
        private final Set<Shared> held = new HashSet<>();

        @Override
        public void close() {
            List<Shared> all = new ArrayList<>(held);
            held.clear();
            all.forEach(SharedResponses.this::release);
        }
    }

    /** How many released answers to a new subscription are kept for streams that come to the same state later. */
    static final int RECENT = 16;
    /** A released response larger than this is not kept. */
    static final int RECENT_MAX_BYTES = 64 << 10;

    private final Map<Key, Shared> responses = new ConcurrentHashMap<>();
    private final AtomicLong built = new AtomicLong();
    /** Released answers, oldest first; guarded by itself, which may be taken under a map bin's lock but never takes one. */
    private final java.util.LinkedHashMap<Key, Shared> recent = new java.util.LinkedHashMap<>(16, 0.75f, true);

    /** A fan-out pass: close it once every stream of the batch's scopes was visited. */
    Pass pass() {
        return new Pass();
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
            Shared s = held != null ? held : revived(k);
            s.holders++;
            if (pass != null && pass.held.add(s)) {
                s.holders++;
            }
            return s;
        });
    }

    /** One holder of {@code s} is done with it: the last one forgets it (a small change is kept among the recent). */
    void release(Shared s) {
        if (s == null) {
            return;
        }
        boolean[] last = new boolean[1];
        responses.computeIfPresent(s.key, (k, held) -> {
            if (held != s || --held.holders > 0) {
                return held;
            }
            last[0] = true;
            return null;
        });
        if (last[0]) {
            keepRecent(s);
        }
    }

    /** The recent response for {@code k}, taken out of the recent ones, or a new one to build. */
    private Shared revived(Key k) {
        synchronized (recent) {
            Shared s = recent.remove(k);
            return s == null ? new Shared(k) : s;
        }
    }

    private void keepRecent(Shared s) {
        PreparedResponse r;
        synchronized (s) {
            r = s.response;
        }
        if (s.key.from == null || s.key.from != s.key.to || r == null || r.body().size() > RECENT_MAX_BYTES) {
            return; // an initial sync, a change of view, one never built, or a large one: forgotten
        }
        synchronized (recent) {
            recent.put(s.key, s);
            var eldest = recent.entrySet().iterator();
            while (recent.size() > RECENT && eldest.hasNext()) {
                eldest.next();
                eldest.remove();
            }
        }
    }

    private static PreparedResponse build(Key k) {
        if (!k.delta) {
            boolean fullState = k.type == XdsType.CDS || k.type == XdsType.LDS;
            return PreparedResponse.sotw(k.to.typeUrl(), k.toSub.sotwVersion(k.to), Diffs.sotw(k.from, k.fromSub, k.to, k.toSub, fullState));
        }
        return PreparedResponse.delta(k.to.typeUrl(), k.to.version(), Diffs.delta(k.from, k.fromSub, null, k.to, k.toSub));
    }

    /** Responses held for streams (tests, debug); the recent ones kept for later streams are not counted. */
    int held() {
        return responses.size();
    }

    /** Released answers to new subscriptions kept for streams that come to their state later (tests, debug). */
    int recent() {
        synchronized (recent) {
            return recent.size();
        }
    }

    /** Responses built since the front started (tests, debug). */
    long built() {
        return built.get();
    }
}
