package io.strait.xds.ads;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a response carries, as pure functions of the view a client holds and the view it is to hold. State of the
 * world: full-state types (LDS, CDS, SDS) carry every subscribed resource the view has; RDS and EDS carry only the
 * resources whose hash differs from what the client was last sent, plus names it newly subscribed (the xDS protocol
 * requires full state only for listeners and clusters). Delta: what differs from what the client holds, and the
 * subscribed names it holds that no longer exist.
 */
final class Diffs {
    private Diffs() {
    }

    /** The resources of one delta response. */
    record Delta(List<ServedResource> changed, List<String> removed) {
        boolean isEmpty() {
            return changed.isEmpty() && removed.isEmpty();
        }
    }

    /**
     * A state-of-the-world response.
     *
     * @param from      the view the client was last sent (null: unknown, so everything subscribed is sent)
     * @param fromSub   the subscription it was sent for
     * @param to        the view to send
     * @param toSub     the subscription now
     * @param fullState whether the type is full state (every subscribed resource in every response)
     */
    static List<ServedResource> sotw(TypeView from, Subscription fromSub, TypeView to, Subscription toSub, boolean fullState) {
        List<ServedResource> out = new ArrayList<>();
        boolean all = fullState || from == null || fromSub == null;
        if (toSub.wildcard()) {
            for (ServedResource r : to.resources().values()) {
                if (all || changedFor(r, from, fromSub)) {
                    out.add(r);
                }
            }
            return out;
        }
        // by name: in the view's order, so every stream asking the same names gets the same bytes
        for (ServedResource r : to.resources().values()) {
            if (toSub.names().contains(r.name()) && (all || changedFor(r, from, fromSub))) {
                out.add(r);
            }
        }
        return out;
    }

    private static boolean changedFor(ServedResource r, TypeView from, Subscription fromSub) {
        return !fromSub.covers(r.name()) || !r.hash().equals(from.hashOf(r.name()));
    }

    /**
     * A delta response.
     *
     * @param basis      the view last sent (null: none)
     * @param basisSub   the subscription it was sent for
     * @param exceptions where the client holds something other than {@code basis} says (a name mapped to the version it
     *                   holds, or to null: it holds none); null when there is no exception
     * @param to         the view to send
     * @param toSub      the subscription now
     */
    static Delta delta(TypeView basis, Subscription basisSub, Map<String, String> exceptions, TypeView to, Subscription toSub) {
        List<ServedResource> changed = new ArrayList<>();
        for (ServedResource r : to.resources().values()) {
            if (toSub.covers(r.name()) && !r.hash().equals(held(r.name(), basis, basisSub, exceptions))) {
                changed.add(r);
            }
        }
        List<String> removed = new ArrayList<>();
        if (exceptions == null) {
            // what it holds is the basis as subscribed then: gone is what the basis had, both subscriptions cover,
            // and the new view lacks (no set of thousands of held names built for a one-cluster change)
            if (basis != null && basisSub != null) {
                for (String name : basis.resources().keySet()) {
                    if (basisSub.covers(name) && toSub.covers(name) && !to.resources().containsKey(name)) {
                        removed.add(name);
                    }
                }
            }
            return new Delta(changed, removed);
        }
        Set<String> heldNames = new LinkedHashSet<>();
        if (basis != null && basisSub != null) {
            basis.resources().keySet().stream().filter(basisSub::covers).forEach(heldNames::add);
        }
        exceptions.forEach((name, version) -> {
            if (version == null) {
                heldNames.remove(name);
            } else {
                heldNames.add(name);
            }
        });
        for (String name : heldNames) {
            if (toSub.covers(name) && !to.resources().containsKey(name)) {
                removed.add(name);
            }
        }
        return new Delta(changed, removed);
    }

    /** The version of {@code name} the client holds, or null. */
    static String held(String name, TypeView basis, Subscription basisSub, Map<String, String> exceptions) {
        if (exceptions != null && exceptions.containsKey(name)) {
            return exceptions.get(name);
        }
        return basis != null && basisSub != null && basisSub.covers(name) ? basis.hashOf(name) : null;
    }
}
