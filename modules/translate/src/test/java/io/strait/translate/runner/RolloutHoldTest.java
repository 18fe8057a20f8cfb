package io.strait.translate.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.bus.envelope.RolloutPolicy;
import io.strait.bus.envelope.RolloutState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutHoldTest {
    private static final RolloutPolicy POLICY = new RolloutPolicy(1, "git:a", 500, 30_000);

    private static RolloutState state(String source, String revision, String phase, String... canaries) {
        return new RolloutState(1, source, revision, phase, List.of(canaries), 0, 30_000, "", 0);
    }

    private static Map<String, RolloutState> states(RolloutState... s) {
        return java.util.Arrays.stream(s).collect(java.util.stream.Collectors.toMap(RolloutState::key, x -> x));
    }

    @Test
    void aSourceWithoutPolicyHoldsNothing() {
        RolloutHold hold = RolloutHold.of(Map.of("git:a", "r1"), Map.of(), Map.of());
        assertThat(hold.held()).isFalse();
        assertThat(hold.allows("any")).isTrue();
    }

    @Test
    void aRevisionWithoutCanaryYetReachesNoScope() {
        RolloutHold hold = RolloutHold.of(Map.of("git:a", "r1"), Map.of("git:a", POLICY), Map.of());
        assertThat(hold.held()).isTrue();
        assertThat(hold.allows("s1")).isFalse();
    }

    @Test
    void inCanaryHaltedOrAbortedOnlyTheCanariesGetIt() {
        for (String phase : List.of(RolloutState.CANARY, RolloutState.HALTED, RolloutState.ABORTED)) {
            RolloutHold hold = RolloutHold.of(Map.of("git:a", "r1"), Map.of("git:a", POLICY), states(state("git:a", "r1", phase, "s1")));
            assertThat(hold.allows("s1")).as(phase).isTrue();
            assertThat(hold.allows("s2")).as(phase).isFalse();
        }
    }

    @Test
    void aPromotedRevisionReachesEveryone() {
        RolloutHold hold = RolloutHold.of(Map.of("git:a", "r1"), Map.of("git:a", POLICY),
                states(state("git:a", "r1", RolloutState.PROMOTED, "s1")));
        assertThat(hold).isEqualTo(RolloutHold.NONE);
    }

    @Test
    void theStateOfAnOlderRevisionDoesNotCount() {
        // r1 was promoted, the model is at r2: r2 waits for its own canary
        RolloutHold hold = RolloutHold.of(Map.of("git:a", "r2"), Map.of("git:a", POLICY),
                states(state("git:a", "r1", RolloutState.PROMOTED, "s1")));
        assertThat(hold.held()).isTrue();
        assertThat(hold.allows("s1")).isFalse();
    }

    @Test
    void twoHeldSourcesAllowOnlyTheScopesCanaryForBoth() {
        RolloutPolicy b = POLICY.forSource("git:b");
        RolloutHold hold = RolloutHold.of(Map.of("git:a", "r1", "git:b", "q1"), Map.of("git:a", POLICY, "git:b", b),
                states(state("git:a", "r1", RolloutState.CANARY, "s1", "s2"), state("git:b", "q1", RolloutState.CANARY, "s2", "s3")));
        assertThat(hold.allowed()).containsExactly("s2");
    }

    @Test
    void unreadableRecordsHoldEverything() {
        assertThat(RolloutHold.unknown().allows("s1")).isFalse();
    }
}
