package io.strait.xds.ads;

import java.util.HashMap;
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

    /** The shared subscription for these names, counted once more. */
    synchronized Subscription intern(boolean wildcard, Set<String> names) {
        if (wildcard && names.isEmpty()) {
            return Subscription.WILDCARD;
        }
        Subscription s = interned.computeIfAbsent(new Key(wildcard, Set.copyOf(names)), k -> new Subscription(k.wildcard(), k.names()));
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
