package io.strait.xds.ads;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One scope at a front: the view it serves now and the streams of its proxies. What they are sent is shared with every
 * other stream in the same state, of this scope or another ({@link SharedResponses}).
 */
final class ScopeStreams {
    final String scope;
    private volatile ScopeView view;
    final Set<AdsStream> streams = ConcurrentHashMap.newKeySet();

    ScopeStreams(String scope) {
        this.scope = scope;
    }

    ScopeView view() {
        return view;
    }

    /** A new view: a stream waiting for a response towards an older one is due the new view instead, on the next pass. */
    void install(ScopeView next) {
        view = next;
    }
}
