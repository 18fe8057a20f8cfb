package io.strait.model.istio;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Istio durations ({@code 1h30m}, {@code 500ms}, {@code 1.5s}), as the schema admits them. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(h|ms|m|s|us|µs|ns)");

    private Durations() {
    }

    /** The duration in nanoseconds, or -1 if the text is not a duration. */
    public static long nanos(String text) {
        Matcher m = PART.matcher(text);
        double total = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return -1;
            }
            double v = Double.parseDouble(m.group(1));
            total += v * switch (m.group(2)) {
                case "h" -> 3_600e9;
                case "m" -> 60e9;
                case "s" -> 1e9;
                case "ms" -> 1e6;
                case "us", "µs" -> 1e3;
                default -> 1;
            };
            end = m.end();
        }
        return end == text.length() && end > 0 ? (long) total : -1;
    }
}
