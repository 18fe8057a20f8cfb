package io.strait.cli.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strait.bus.envelope.RolloutState;
import java.util.List;
import org.junit.jupiter.api.Test;

class RolloutDecisionsTest {
    private static RolloutState state(String revision, String phase) {
        return new RolloutState(1, "folder:config", revision, phase, List.of("ns.sidecar.abc"), 1, 2, "why", 3);
    }

    @Test
    void resumePromotesAHaltedOrCanaryRolloutAndAbortEndsIt() {
        RolloutState resumed = RolloutDecisions.next(state("abcdef123456", RolloutState.HALTED), RolloutDecisions.Action.RESUME, "me", 9);
        assertThat(resumed.promoted()).isTrue();
        assertThat(resumed.reason()).contains("resumed by me").contains("was halted");
        assertThat(resumed.canaryScopes()).containsExactly("ns.sidecar.abc");
        assertThat(RolloutDecisions.next(state("abcdef123456", RolloutState.CANARY), RolloutDecisions.Action.ABORT, "me", 9).phase())
                .isEqualTo(RolloutState.ABORTED);
    }

    @Test
    void finalPhasesAndBadPrefixesAreRefusedWithWhatToDo() {
        assertThatThrownBy(() -> RolloutDecisions.next(state("abcdef123456", RolloutState.PROMOTED), RolloutDecisions.Action.ABORT, "me", 9))
                .hasMessageContaining("promoted already");
        assertThatThrownBy(() -> RolloutDecisions.next(state("abcdef123456", RolloutState.ABORTED), RolloutDecisions.Action.RESUME, "me", 9))
                .hasMessageContaining("publish a new revision");
        List<RolloutState> states = List.of(state("abcdef123456", RolloutState.HALTED), state("abcd99999999", RolloutState.HALTED));
        assertThat(RolloutDecisions.find(states, "ABCDEF").revision()).isEqualTo("abcdef123456");
        assertThatThrownBy(() -> RolloutDecisions.find(states, "abcd")).hasMessageContaining("ambiguous");
        assertThatThrownBy(() -> RolloutDecisions.find(states, "ffff")).hasMessageContaining("no staged rollout");
        assertThatThrownBy(() -> RolloutDecisions.find(states, "ab")).hasMessageContaining("at least 4");
        assertThatThrownBy(() -> RolloutDecisions.Action.parse("pause")).hasMessageContaining("resume or abort");
    }
}
