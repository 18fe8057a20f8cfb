package io.strait.translate.runner;

import io.strait.bus.envelope.RolloutPolicy;
import io.strait.bus.envelope.RolloutState;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pure: which scopes a translator may publish a model to, given the rollout records. A model reaches every scope
 * unless it holds a revision of a source with a rollout policy that is not promoted; then only the scopes that are
 * canary for every such revision get it (none until the controller has chosen them), and the others are published
 * nothing, so their proxies keep the previous revision's config.
 *
 * <p>Holding a whole model rather than one source's share of it is deliberate: translators keep only the newest model
 * (rebuilt from the log after a failover), so a held scope cannot be given another source's newer revision without the
 * held one in it; it waits for the promotion too.
 *
 * @param held    whether any revision of the model is held
 * @param allowed the scopes that may be published while held (ignored when not held)
 * @param why     the held revisions, for the log
 */
record RolloutHold(boolean held, Set<String> allowed, String why) {
    static final RolloutHold NONE = new RolloutHold(false, Set.of(), "");

    RolloutHold {
        allowed = Set.copyOf(allowed);
    }

    boolean allows(String scope) {
        return !held || allowed.contains(scope);
    }

    /**
     * @param revisions per source, the revision the model is at
     * @param policies  per source, its rollout policy
     * @param states    per {@link RolloutState#key}, the state of a revision's rollout
     */
    static RolloutHold of(Map<String, String> revisions, Map<String, RolloutPolicy> policies, Map<String, RolloutState> states) {
        Set<String> allowed = null;
        Set<String> why = new TreeSet<>();
        for (Map.Entry<String, String> e : revisions.entrySet()) {
            if (!policies.containsKey(e.getKey())) {
                continue;
            }
            RolloutState state = states.get(RolloutState.key(e.getKey(), e.getValue()));
            if (state != null && state.promoted()) {
                continue;
            }
            // halted and aborted revisions keep the canaries they reached: nothing older can be rebuilt here
            Set<String> canaries = state == null ? Set.of() : Set.copyOf(state.canaryScopes());
            if (allowed == null) {
                allowed = new TreeSet<>(canaries);
            } else {
                allowed.retainAll(canaries);
            }
            why.add(e.getKey() + "@" + e.getValue() + " " + (state == null ? "waiting for its canary" : state.phase()));
        }
        return allowed == null ? NONE : new RolloutHold(true, allowed, String.join(", ", why));
    }

    /** Everything is held: the rollout records could not be read, so nothing may be assumed promoted. */
    static RolloutHold unknown() {
        return new RolloutHold(true, Set.of(), "rollout records unreadable");
    }
}
