package io.strait.xds;

import io.strait.bus.wire.XdsType;
import io.strait.xds.ads.TypeView;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The type views a front serves, one instance per type and version: scopes serving the same clusters (or assignments,
 * listeners, routes) share one {@link TypeView}, as they share the resources in it. A version is a hash of the type's
 * name=hash pairs, so the same version is the same content. Counted by the scopes serving each view, so one that no
 * scope serves any more is forgotten. Without this, a mesh where every proxy sees every service (issue 14's row D:
 * hundreds of scopes, each of the same 3,000 clusters and assignments) costs a front a copy of each view's index per
 * scope, about 400 KB each. Not thread-safe: the poll thread's.
 */
final class HeldViews {
    private record Key(XdsType type, String version) {
    }

    private static final class Held {
        final TypeView view;
        int scopes;

        Held(TypeView view) {
            this.view = view;
        }
    }

    private final Map<Key, Held> views = new HashMap<>();

    /** The view of this content, built by {@code build} when no scope serves it yet; one scope more serves it. */
    TypeView use(XdsType type, String version, Supplier<TypeView> build) {
        Held held = views.computeIfAbsent(new Key(type, version), k -> new Held(build.get()));
        held.scopes++;
        return held.view;
    }

    /** One scope no longer serves {@code view}. */
    void release(XdsType type, TypeView view) {
        Key key = new Key(type, view.version());
        Held held = views.get(key);
        if (held != null && held.view == view && --held.scopes <= 0) {
            views.remove(key);
        }
    }

    /** Distinct views held (tests, debug). */
    int size() {
        return views.size();
    }
}
