package io.strait.model.istio;

import java.util.List;
import java.util.Map;

/** {@code networking.istio.io/DestinationRule}: named subsets of a service's endpoints. */
public record DestinationRule(String host, List<Subset> subsets) implements Spec {
    public DestinationRule {
        subsets = Lists.copy(subsets);
    }

    /** The endpoints whose labels include all of {@code labels}. */
    public record Subset(String name, Map<String, String> labels) {
        public Subset {
            labels = Lists.copy(labels);
        }
    }
}
