package io.strait.model.istio;

import java.util.Map;

/** Selects workloads by labels (networking kinds write it as {@code workloadSelector: {labels: …}}). */
public record LabelSelector(Map<String, String> labels) {
    public LabelSelector {
        labels = Lists.copy(labels);
    }

    /** True when every selector label is among {@code candidate}'s. */
    public boolean matches(Map<String, String> candidate) {
        return candidate.entrySet().containsAll(labels.entrySet());
    }
}
