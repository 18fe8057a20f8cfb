package io.strait.xds.ads;

import io.strait.bus.wire.XdsType;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One scope at a front: the view it serves now, the streams of its proxies, their interned subscriptions, and the
 * responses already built for it. A response is a function of (the view a stream holds, the view it is to hold, its
 * subscriptions then and now); every stream in the same state is sent the same {@link PreparedResponse}, built and
 * serialized once — when 10,000 proxies of a scope hold view V and V' arrives, V→V' is built once per type.
 */
final class ScopeStreams {
    /** What a shared response depends on; views and subscriptions compare by identity (both are shared instances). */
    private record Key(XdsType type, boolean delta, TypeView from, Subscription fromSub, TypeView to, Subscription toSub) {
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

    final String scope;
    private volatile ScopeView view;
    final Set<AdsStream> streams = ConcurrentHashMap.newKeySet();
    private final Map<XdsType, Subscriptions> subscriptions = new EnumMap<>(XdsType.class);
    private final Map<Key, PreparedResponse> responses = new ConcurrentHashMap<>();

    ScopeStreams(String scope) {
        this.scope = scope;
        for (XdsType t : XdsType.values()) {
            subscriptions.put(t, new Subscriptions());
        }
    }

    ScopeView view() {
        return view;
    }

    /** A new view: responses built towards older ones are no longer needed. */
    void install(ScopeView next) {
        view = next;
        responses.keySet().removeIf(k -> k.to != next.type(k.type));
    }

    Subscriptions subscriptions(XdsType type) {
        return subscriptions.get(type);
    }

    /** The state-of-the-world response from what a stream holds to {@code to}, built once per state. */
    PreparedResponse sotw(XdsType type, TypeView from, Subscription fromSub, TypeView to, Subscription toSub) {
        boolean fullState = type == XdsType.CDS || type == XdsType.LDS;
        // a full-state response does not depend on what the client holds: one per subscription
        Key key = fullState || from == null ? new Key(type, false, null, null, to, toSub) : new Key(type, false, from, fromSub, to, toSub);
        return responses.computeIfAbsent(key, k -> PreparedResponse.sotw(to.typeUrl(), toSub.sotwVersion(to),
                Diffs.sotw(k.from, k.fromSub, to, toSub, fullState)));
    }

    /** The delta response from {@code from} (held exactly, no exception) to {@code to}, built once per state. */
    PreparedResponse delta(XdsType type, TypeView from, Subscription fromSub, TypeView to, Subscription toSub) {
        return responses.computeIfAbsent(new Key(type, true, from, fromSub, to, toSub), k -> PreparedResponse.delta(to.typeUrl(),
                to.version(), Diffs.delta(from, fromSub, null, to, toSub)));
    }

    /** Responses held (tests, debug). */
    int responsesHeld() {
        return responses.size();
    }
}
