package io.strait.xds.ads;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Interns the subscriptions of one type at a front: streams asking for the same names share one {@link Subscription},
 * whatever their scope (so a response keyed by subscription is shared by every scope that asks the same names).
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

    /**
     * What {@code from} becomes with {@code subscribe} added and {@code unsubscribe} removed ({@code "*"}: the wildcard),
     * counted once more. The answer for the same change of the same subscription is remembered: when a new cluster's
     * assignment is asked for by every delta proxy of every scope, each of them costs a look-up, not a set of the
     * scope's thousands of names built and hashed again.
     */
    synchronized Subscription moved(Subscription from, List<String> subscribe, List<String> unsubscribe, TypeView view) {
        Subscription.Move move = new Subscription.Move(List.copyOf(subscribe), List.copyOf(unsubscribe));
        Subscription known = from.moves.get(move);
        if (known == Subscription.WILDCARD) {
            return known;
        }
        if (known != null && known.references > 0) {
            known.references++; // still interned: the same instance every stream making this move holds
            return known;
        }
        boolean wildcard = from.wildcard();
        Set<String> names = new HashSet<>(from.names());
        for (String s : subscribe) {
            if (s.equals("*")) {
                wildcard = true;
            } else {
                names.add(s);
            }
        }
        for (String u : unsubscribe) {
            if (u.equals("*")) {
                wildcard = false;
            } else {
                names.remove(u);
            }
        }
        Subscription next = intern(wildcard, names, view);
        if (from != Subscription.WILDCARD) {
            if (from.moves.size() >= Subscription.MOVES_KEPT) {
                from.moves.clear();
            }
            from.moves.put(move, next);
        }
        return next;
    }

    /** One stream no longer holds {@code s}. */
    synchronized void release(Subscription s) {
        if (s == null || s == Subscription.WILDCARD) {
            return;
        }
        if (--s.references <= 0) {
            interned.remove(new Key(s.wildcard(), s.names()), s);
            s.moves.clear(); // a forgotten subscription keeps none of those it led to
        }
    }

    synchronized int size() {
        return interned.size();
    }
}
