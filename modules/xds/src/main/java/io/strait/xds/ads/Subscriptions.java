package io.strait.xds.ads;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Interns the subscriptions of one scope and type: streams asking for the same names share one {@link Subscription}.
 * Counted, so a name set no stream asks for any more is forgotten (subscriptions follow the config: a scope's EDS names
 * change with its clusters).
 */
final class Subscriptions {
    private record Key(boolean wildcard, Set<String> names) {
    }

    private final Map<Key, Subscription> interned = new HashMap<>();

    /**
     * The shared subscription for these names, counted once more. A new one holds the names as {@code view} holds them
     * (its own strings), not the request's: a scope's EDS subscription names thousands of clusters, and the strings of
     * the first request to ask for them would otherwise be kept beside the view's for as long as anyone asks.
     */
    synchronized Subscription intern(boolean wildcard, Set<String> names, TypeView view) {
        if (wildcard && names.isEmpty()) {
            return Subscription.WILDCARD;
        }
        Subscription s = interned.get(new Key(wildcard, names));
        if (s == null) {
            Set<String> own = new HashSet<>();
            for (String name : names) {
                ServedResource r = view == null ? null : view.resources().get(name);
                own.add(r == null ? name : r.name());
            }
            s = new Subscription(wildcard, own);
            interned.put(new Key(wildcard, s.names()), s);
        }
        s.references++;
        return s;
    }

    /** One stream no longer holds {@code s}. */
    synchronized void release(Subscription s) {
        if (s == null || s == Subscription.WILDCARD) {
            return;
        }
        if (--s.references <= 0) {
            interned.remove(new Key(s.wildcard(), s.names()), s);
        }
    }

    synchronized int size() {
        return interned.size();
    }
}
