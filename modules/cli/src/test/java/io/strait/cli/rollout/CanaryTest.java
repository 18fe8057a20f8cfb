package io.strait.cli.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strait.bus.envelope.RolloutPolicy;
import io.strait.bus.envelope.RolloutState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CanaryTest {
    private static final List<String> FLEET = IntStream.range(0, 2000).mapToObj(i -> "scope-" + i).toList();
    private static final RolloutState CANARY = new RolloutState(1, "git:a", "r1", RolloutState.CANARY, List.of("s1"),
            1_000, 31_000, "", 1_000);

    @Test
    void canaryScopesAreAboutTheShareAndDeterministic() {
        List<String> five = CanaryScopes.pick(FLEET, 500);
        assertThat(five.size()).isBetween(60, 140); // 5 % of 2,000 is 100
        List<String> shuffled = new java.util.ArrayList<>(FLEET);
        java.util.Collections.reverse(shuffled);
        assertThat(CanaryScopes.pick(shuffled, 500)).isEqualTo(five);
        assertThat(CanaryScopes.pick(FLEET, 2000)).containsAll(five);
        assertThat(CanaryScopes.pick(FLEET, 10_000)).hasSize(FLEET.size());
    }

    @Test
    void atLeastOneScopeWhenAnyExist() {
        assertThat(CanaryScopes.pick(List.of("a", "b"), 1)).hasSize(1);
        assertThat(CanaryScopes.pick(List.of(), 500)).isEmpty();
        assertThat(CanaryScopes.pick(List.of("a", "a"), 1)).containsExactly("a");
    }

    @Test
    void aNackHaltsAtOnceEvenBeforeTheWait() {
        RolloutState next = CanaryVerdict.decide(CANARY, 2_000, List.of("p1"), Set.of(), Map.of("p1", "RDS: bad")).orElseThrow();
        assertThat(next.phase()).isEqualTo(RolloutState.HALTED);
        assertThat(next.reason()).contains("p1").contains("RDS: bad");
        assertThat(next.canaryScopes()).containsExactly("s1");
    }

    @Test
    void promotedOnlyAfterTheWaitAndWhenEveryCanaryApplied() {
        assertThat(CanaryVerdict.decide(CANARY, 30_999, List.of("p1"), Set.of("p1"), Map.of())).isEmpty();
        assertThat(CanaryVerdict.decide(CANARY, 31_000, List.of("p1", "p2"), Set.of("p1"), Map.of())).isEmpty();
        assertThat(CanaryVerdict.decide(CANARY, 31_000, List.of("p1", "p2"), Set.of("p1", "p2"), Map.of()).orElseThrow().phase())
                .isEqualTo(RolloutState.PROMOTED);
        assertThat(CanaryVerdict.decide(CANARY, 31_000, List.of(), Set.of(), Map.of()).orElseThrow().phase())
                .isEqualTo(RolloutState.PROMOTED);
    }

    @Test
    void onlyACanaryIsDecided() {
        RolloutState halted = CANARY.moveTo(RolloutState.HALTED, "x", 2_000);
        assertThat(CanaryVerdict.decide(halted, 99_000, List.of(), Set.of(), Map.of())).isEmpty();
    }

    @Test
    void theFlagParses() {
        RolloutPolicy.Spec spec = RolloutPolicy.parse("canary=5%,wait=30s");
        assertThat(spec.source()).isNull();
        assertThat(spec.policy().canaryBasisPoints()).isEqualTo(500);
        assertThat(spec.policy().waitMillis()).isEqualTo(30_000);
        assertThat(RolloutPolicy.parse("canary=0.5%,wait=2m,source=git:x").policy().canaryBasisPoints()).isEqualTo(50);
        assertThatThrownBy(() -> RolloutPolicy.parse("canary=5%")).hasMessageContaining("wait");
        assertThatThrownBy(() -> RolloutPolicy.parse("canary=150%,wait=1s")).hasMessageContaining("canary");
        assertThatThrownBy(() -> RolloutPolicy.parse("canary=5%,wait=soon")).hasMessageContaining("duration");
    }

    @Test
    void aSpecNamingASourceWinsAndAnUnknownSourceIsRefused() {
        Map<String, RolloutPolicy> p = RolloutPolicies.resolve(List.of(RolloutPolicy.parse("canary=5%,wait=30s"),
                RolloutPolicy.parse("canary=50%,wait=1s,source=git:b")), List.of("git:a", "git:b"));
        assertThat(p.get("git:a").canaryBasisPoints()).isEqualTo(500);
        assertThat(p.get("git:b").canaryBasisPoints()).isEqualTo(5000);
        assertThatThrownBy(() -> RolloutPolicies.resolve(List.of(RolloutPolicy.parse("canary=5%,wait=1s,source=git:z")), List.of("git:a")))
                .hasMessageContaining("git:z");
    }
}
