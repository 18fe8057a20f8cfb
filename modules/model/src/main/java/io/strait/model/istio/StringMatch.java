package io.strait.model.istio;

/** Istio's {@code StringMatch}: exactly one of exact, prefix or regex (RE2 syntax). */
public record StringMatch(String exact, String prefix, String regex) {
    /** How many of the three alternatives are set; valid matches set exactly one. */
    public int alternativesSet() {
        return (exact != null ? 1 : 0) + (prefix != null ? 1 : 0) + (regex != null ? 1 : 0);
    }
}
