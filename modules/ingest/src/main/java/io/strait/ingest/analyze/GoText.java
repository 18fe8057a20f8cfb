package io.strait.ingest.analyze;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Values written into message texts as Istio's templates write them with Go's formatting verbs, so that Strait's
 * messages read exactly as Istio's: {@code %q} quotes a string, {@code %v} of a list is {@code [a b]}. Validation
 * messages quote with it too.
 */
public final class GoText {
    private GoText() {
    }

    /** {@code %q}: a double-quoted string with Go's escapes for quotes, backslashes and control characters. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** {@code %v} of a slice: the elements separated by spaces, in brackets. */
    static String list(List<?> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(" ", "[", "]"));
    }
}
