package io.strait.cli.rollout;

import io.strait.bus.envelope.RolloutState;
import java.util.List;

/**
 * What {@code strait rollout resume|abort} does to a staged rollout, as plain values. Resume promotes a revision that
 * is halted (a NACK stopped it) or still in its canary (the operator has seen enough); abort ends one that was never
 * promoted, so it reaches no further scope. A promoted or aborted rollout is final: the way past it is a new revision.
 */
public final class RolloutDecisions {
    /** The two things an operator can do. */
    public enum Action {
        RESUME, ABORT;

        /** @throws IllegalArgumentException naming the accepted words */
        public static Action parse(String word) {
            return switch (word == null ? "" : word.toLowerCase(java.util.Locale.ROOT)) {
                case "resume" -> RESUME;
                case "abort" -> ABORT;
                default -> throw new IllegalArgumentException("unknown rollout action " + word + ": use resume or abort");
            };
        }
    }

    private RolloutDecisions() {
    }

    /**
     * The rollout's next state.
     *
     * @throws IllegalArgumentException saying why when the action does not apply in the rollout's phase
     */
    public static RolloutState next(RolloutState current, Action action, String who, long now) {
        String rev = shortId(current.revision());
        if (current.promoted()) {
            throw new IllegalArgumentException("revision " + rev + " of " + current.source() + " is promoted already: every scope has it");
        }
        if (RolloutState.ABORTED.equals(current.phase())) {
            throw new IllegalArgumentException("revision " + rev + " of " + current.source() + " was aborted: publish a new revision instead");
        }
        return action == Action.RESUME
                ? current.moveTo(RolloutState.PROMOTED, "resumed by " + who + " (was " + current.phase() + ")", now)
                : current.moveTo(RolloutState.ABORTED, "aborted by " + who + " (was " + current.phase()
                        + "); the canary scopes keep what they run until the next revision", now);
    }

    /**
     * The one rollout whose revision starts with {@code prefix} (at least 4 characters, any case).
     *
     * @throws IllegalArgumentException when none or several match, listing them
     */
    public static RolloutState find(List<RolloutState> states, String prefix) {
        if (prefix == null || prefix.length() < 4) {
            throw new IllegalArgumentException("give at least 4 characters of the revision id");
        }
        String p = prefix.toLowerCase(java.util.Locale.ROOT);
        List<RolloutState> found = states.stream().filter(s -> s.revision().toLowerCase(java.util.Locale.ROOT).startsWith(p)).toList();
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no staged rollout of a revision starting " + prefix
                    + " (only sources with --rollout have one; strait status --revisions lists them)");
        }
        if (found.size() > 1) {
            throw new IllegalArgumentException("revision prefix " + prefix + " is ambiguous: " + String.join(", ",
                    found.stream().map(s -> shortId(s.revision()) + " of " + s.source()).toList()) + "; give more characters");
        }
        return found.get(0);
    }

    private static String shortId(String revision) {
        return revision.length() > 12 ? revision.substring(0, 12) : revision;
    }
}
