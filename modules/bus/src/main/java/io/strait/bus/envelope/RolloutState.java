package io.strait.bus.envelope;

import java.util.List;

/**
 * Where one revision's staged rollout stands, on {@code strait.rollouts.v1} under {@link #key}. The rollout
 * controller writes {@code canary} (with the scopes it chose), then {@code promoted} or {@code halted};
 * {@code strait rollout resume} promotes a halted one and {@code strait rollout abort} ends one unpromoted.
 * Translators deliver a revision under a policy to {@code canaryScopes} only, and to every scope once it is
 * {@code promoted}; until the controller has written {@code canary}, to none.
 *
 * @param v            envelope version
 * @param source       the config source
 * @param revision     the revision
 * @param phase        {@link #CANARY}, {@link #PROMOTED}, {@link #HALTED} or {@link #ABORTED}
 * @param canaryScopes the scopes that get the revision before it is promoted
 * @param startedAt    epoch millis the canary started
 * @param waitUntil    epoch millis before which it is not promoted
 * @param reason       why it was halted, aborted, resumed or promoted (a person reads it in status)
 * @param at           epoch millis of this phase
 */
public record RolloutState(int v, String source, String revision, String phase, List<String> canaryScopes,
                           long startedAt, long waitUntil, String reason, long at) {
    public static final String KEY_PREFIX = "state/";
    public static final String CANARY = "canary";
    public static final String PROMOTED = "promoted";
    public static final String HALTED = "halted";
    public static final String ABORTED = "aborted";

    public RolloutState {
        canaryScopes = canaryScopes == null ? List.of() : List.copyOf(canaryScopes);
    }

    public String key() {
        return key(source, revision);
    }

    /** A revision id has no {@code @}, so the key names one source's revision unambiguously. */
    public static String key(String source, String revision) {
        return KEY_PREFIX + source + "@" + revision;
    }

    /** The same rollout in another phase. */
    public RolloutState moveTo(String next, String why, long now) {
        return new RolloutState(v, source, revision, next, canaryScopes, startedAt, waitUntil, why, now);
    }

    /** Only a promoted revision reaches every scope. */
    public boolean promoted() {
        return PROMOTED.equals(phase);
    }
}
