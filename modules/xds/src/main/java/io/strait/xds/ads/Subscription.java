package io.strait.xds.ads;

import io.strait.bus.wire.ContentHash;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a stream asks for of one type: everything (wildcard), a set of names, or (delta) both. Interned per type
 * at a front by {@link Subscriptions}, so that 10,000 proxies asking for the same names hold one instance, and a shared
 * response can be keyed by the subscription's identity.
 */
public final class Subscription {
    /** Everything of the type, and no name in particular. */
    public static final Subscription WILDCARD = new Subscription(true, Set.of());

    private final boolean wildcard;
    private final Set<String> names;
    /** The first 8 hex digits of a hash of the sorted names: a state-of-the-world version depends on them. */
    private final String namesHash;
    int references;
    /** How many changes of this subscription {@link #moves} remembers. */
    static final int MOVES_KEPT = 8;
    /** Changes of this subscription seen from delta requests, and the subscription each led to (under the interner's lock). */
    final java.util.Map<Move, Subscription> moves = new java.util.HashMap<>(2);

    /** A delta request's change of names: subscribed, unsubscribed. */
    record Move(List<String> subscribe, List<String> unsubscribe) {
    }

    Subscription(boolean wildcard, Set<String> names) {
        this.wildcard = wildcard;
        this.names = Set.copyOf(names);
        this.namesHash = names.isEmpty() ? "" : ContentHash.ofStrings(List.copyOf(new TreeSet<>(names))).substring(0, 8);
    }

    public boolean wildcard() {
        return wildcard;
    }

    public Set<String> names() {
        return names;
    }

    /** Whether a resource of this name is part of the subscription. */
    public boolean covers(String name) {
        return wildcard || names.contains(name);
    }

    /**
     * The state-of-the-world version of {@code view} for this subscription: the type's version alone for a wildcard,
     * else with the names' hash after a dot, so that any change of subscription is a new version (a client that drops
     * a name and asks for it again later is answered) and the version stays a pure function of content and names.
     */
    public String sotwVersion(TypeView view) {
        return wildcard || names.isEmpty() ? view.version() : view.version() + "." + namesHash;
    }

    @Override
    public String toString() {
        return (wildcard ? "*" : "") + names;
    }
}
