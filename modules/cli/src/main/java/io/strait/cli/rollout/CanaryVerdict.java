package io.strait.cli.rollout;

import io.strait.bus.envelope.RolloutState;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pure: the rollout controller's decision on a revision in canary. A NACK of the revision by any proxy halts it at
 * once (waiting would only let it spread); otherwise it is promoted once {@code waitUntil} has passed and every
 * canary proxy has applied it; until then it stays in canary. A canary whose proxies are all gone is promoted after the
 * wait: nothing refused it, and holding the fleet on nothing would never end.
 */
public final class CanaryVerdict {
    private CanaryVerdict() {
    }

    /**
     * @param canary         the rollout, in {@link RolloutState#CANARY}
     * @param now            epoch millis
     * @param canaryProxies  the connected proxies of the canary scopes
     * @param applied        proxies that have applied the revision
     * @param nacks          proxy id to its error, for every proxy that refused a config built from the revision
     * @return the next state, or empty to keep waiting
     */
    public static Optional<RolloutState> decide(RolloutState canary, long now, Collection<String> canaryProxies,
                                                Set<String> applied, Map<String, String> nacks) {
        if (!RolloutState.CANARY.equals(canary.phase())) {
            return Optional.empty();
        }
        if (!nacks.isEmpty()) {
            Map.Entry<String, String> first = nacks.entrySet().iterator().next();
            String more = nacks.size() > 1 ? " (and " + (nacks.size() - 1) + " more)" : "";
            return Optional.of(canary.moveTo(RolloutState.HALTED, "proxy " + first.getKey() + " NACKed " + first.getValue() + more, now));
        }
        if (now < canary.waitUntil()) {
            return Optional.empty();
        }
        List<String> missing = canaryProxies.stream().filter(p -> !applied.contains(p)).toList();
        if (!missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(canary.moveTo(RolloutState.PROMOTED, canaryProxies.isEmpty()
                ? "no canary proxy connected; nothing refused it"
                : "every canary proxy (" + canaryProxies.size() + ") applied it", now));
    }
}
