package io.strait.bus.envelope;

import io.strait.model.istio.Durations;
import java.util.Locale;

/**
 * How a source's revisions roll out ({@code --rollout canary=5%,wait=30s}), on {@code strait.rollouts.v1} under
 * {@link #key}: first to the canary share of the scopes, then, after {@code waitMillis} and only if every canary proxy
 * ACKed and none NACKed, to every scope. A source without a policy record delivers each revision to everyone at once.
 *
 * @param v                 envelope version
 * @param source            the config source
 * @param canaryBasisPoints the canary share of the scopes in hundredths of a percent (500 = 5 %)
 * @param waitMillis        how long the canary runs before it may be promoted
 */
public record RolloutPolicy(int v, String source, int canaryBasisPoints, long waitMillis) {
    public static final String KEY_PREFIX = "policy/";

    public RolloutPolicy {
        if (canaryBasisPoints < 0 || canaryBasisPoints > 10_000) {
            throw new IllegalArgumentException("canary share must be between 0% and 100%");
        }
        if (waitMillis < 0) {
            throw new IllegalArgumentException("wait must not be negative");
        }
    }

    public String key() {
        return key(source);
    }

    public static String key(String source) {
        return KEY_PREFIX + source;
    }

    /** This policy for another source. */
    public RolloutPolicy forSource(String name) {
        return new RolloutPolicy(v, name, canaryBasisPoints, waitMillis);
    }

    /**
     * The policy of {@code canary=P%,wait=D[,source=NAME]}: the source stays null when the spec names none (it then
     * applies to every source of the node). P may have decimals (0.5%); D is a duration such as 30s or 2m.
     */
    public static Spec parse(String spec) {
        Integer basisPoints = null;
        Long wait = null;
        String source = null;
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("--rollout " + spec + ": \"" + part + "\" is not key=value (canary=5%,wait=30s)");
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = part.substring(eq + 1).trim();
            switch (key) {
                case "canary" -> basisPoints = percent(spec, value);
                case "wait" -> {
                    long nanos = value.isEmpty() ? -1 : Durations.nanos(value);
                    if (nanos < 0) {
                        throw new IllegalArgumentException("--rollout " + spec + ": wait " + value + " is not a duration such as 30s");
                    }
                    wait = nanos / 1_000_000;
                }
                case "source" -> source = value;
                default -> throw new IllegalArgumentException("--rollout " + spec + ": unknown key " + key + " (canary, wait, source)");
            }
        }
        if (basisPoints == null || wait == null) {
            throw new IllegalArgumentException("--rollout " + spec + " needs both canary=P% and wait=D");
        }
        return new Spec(source, new RolloutPolicy(1, source, basisPoints, wait));
    }

    private static int percent(String spec, String value) {
        String number = value.endsWith("%") ? value.substring(0, value.length() - 1) : value;
        try {
            double p = Double.parseDouble(number);
            if (!(p > 0 && p <= 100)) {
                throw new NumberFormatException();
            }
            return (int) Math.round(p * 100);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--rollout " + spec + ": canary " + value + " is not a share above 0% and up to 100%");
        }
    }

    /** A parsed {@code --rollout}: the source it names (null: every source of the node) and its policy. */
    public record Spec(String source, RolloutPolicy policy) {
    }
}
