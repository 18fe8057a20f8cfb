package io.strait.ingest.validate;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Istio durations ({@code 1h30m}, {@code 500ms}, {@code 1.5s}) in milliseconds. */
final class Durations {
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(h|ms|m|s|us|µs|ns)");

    private Durations() {
    }

    /** The duration in milliseconds, or -1 if the text is not a duration (the schema reports that). */
    static double millis(String text) {
        Matcher m = PART.matcher(text);
        double total = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return -1;
            }
            double v = Double.parseDouble(m.group(1));
            total += switch (m.group(2)) {
                case "h" -> v * 3_600_000;
                case "m" -> v * 60_000;
                case "s" -> v * 1000;
                case "ms" -> v;
                case "us", "µs" -> v / 1000;
                default -> v / 1_000_000;
            };
            end = m.end();
        }
        return end == text.length() && end > 0 ? total : -1;
    }
}
