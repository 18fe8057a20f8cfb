package io.strait.cli.rollout;

import io.strait.bus.envelope.RolloutPolicy;
import io.strait.bus.kafka.BusConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Resolves {@code --rollout} specs against the sources of a node: a spec naming a source wins over one naming none. */
public final class RolloutPolicies {
    private RolloutPolicies() {
    }

    /** Per source, its policy; a spec naming a source this node does not have is refused. */
    public static Map<String, RolloutPolicy> resolve(List<RolloutPolicy.Spec> specs, List<String> sources) {
        Map<String, RolloutPolicy> out = new LinkedHashMap<>();
        specs.stream().filter(s -> s.source() == null).forEach(s -> sources.forEach(src -> out.put(src, s.policy().forSource(src))));
        for (RolloutPolicy.Spec s : specs) {
            if (s.source() == null) {
                continue;
            }
            if (!sources.contains(s.source())) {
                throw new IllegalArgumentException("--rollout names source " + s.source() + ", which this node does not ingest; its sources: "
                        + (sources.isEmpty() ? "none" : String.join(", ", sources)));
            }
            out.put(s.source(), s.policy().forSource(s.source()));
        }
        return out;
    }

    /** The controller of this node's sources (its policy records are written at its start). */
    public static RolloutController controller(BusConfig bus, List<RolloutPolicy.Spec> specs, List<String> sources) {
        Map<String, RolloutPolicy> policies = resolve(specs, sources);
        List<String> unmanaged = new ArrayList<>(sources);
        unmanaged.removeAll(policies.keySet());
        return new RolloutController(bus, policies, unmanaged);
    }
}
