package io.strait.ingest.analyze;

/**
 * One cross-resource check, as one of {@code istioctl analyze}'s analyzers does it, reporting Istio's message codes
 * so that output lines up with what Istio users know. Implementations are stateless.
 */
public interface Analyzer {
    /** Istio's name for the analyzer ({@code virtualservice.DestinationHostAnalyzer}). */
    String name();

    void analyze(AnalysisInput input, Messages out);
}
