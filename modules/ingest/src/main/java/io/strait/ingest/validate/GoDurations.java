package io.strait.ingest.validate;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Go's {@code time.ParseDuration}, which Istio's jsonpb applies to a {@code google.protobuf.Duration} in an
 * EnvoyFilter patch value: "500ms", "1m30s", "1.5h" are durations there, while proto3 JSON (and so Java's
 * JsonFormat) knows only seconds ("0.5s"). A duration Go accepts is rewritten into JsonFormat's form.
 */
final class GoDurations {
    private static final Map<String, BigDecimal> NANOS_PER_UNIT = Map.of(
            "ns", BigDecimal.ONE, "us", BigDecimal.valueOf(1_000), "\u00b5s", BigDecimal.valueOf(1_000),
            "\u03bcs", BigDecimal.valueOf(1_000), "ms", BigDecimal.valueOf(1_000_000),
            "s", BigDecimal.valueOf(1_000_000_000L), "m", BigDecimal.valueOf(60_000_000_000L),
            "h", BigDecimal.valueOf(3_600_000_000_000L));

    private GoDurations() {
    }

    /** The duration as proto3 JSON seconds ("90s", "0.5s"). */
    static String toSeconds(String text) throws IllegalArgumentException {
        BigDecimal nanos = nanos(text);
        return nanos.movePointLeft(9).stripTrailingZeros().toPlainString() + "s";
    }

    /** Go's parse, in nanoseconds; its error text as the exception's message. */
    private static BigDecimal nanos(String orig) {
        String s = orig;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return BigDecimal.ZERO;
        }
        if (s.isEmpty()) {
            throw invalid(orig);
        }
        BigDecimal total = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                i++;
            }
            boolean whole = i > start;
            String number = s.substring(start, i);
            if (i < s.length() && s.charAt(i) == '.') {
                int fraction = ++i;
                while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
                    i++;
                }
                if (!whole && i == fraction) {
                    throw invalid(orig); // "." alone
                }
                number = (whole ? number : "0") + "." + s.substring(fraction, i) + (i == fraction ? "0" : "");
            } else if (!whole) {
                throw invalid(orig);
            }
            int unitStart = i;
            while (i < s.length() && s.charAt(i) != '.' && !(s.charAt(i) >= '0' && s.charAt(i) <= '9')) {
                i++;
            }
            if (i == unitStart) {
                throw new IllegalArgumentException("time: missing unit in duration " + Report.q(orig));
            }
            BigDecimal unit = NANOS_PER_UNIT.get(s.substring(unitStart, i));
            if (unit == null) {
                throw new IllegalArgumentException("time: unknown unit " + Report.q(s.substring(unitStart, i)) + " in duration " + Report.q(orig));
            }
            total = total.add(new BigDecimal(number).multiply(unit));
        }
        // Go keeps whole nanoseconds
        BigDecimal whole = new BigDecimal(total.toBigInteger());
        return negative ? whole.negate() : whole;
    }

    private static IllegalArgumentException invalid(String orig) {
        return new IllegalArgumentException("time: invalid duration " + Report.q(orig));
    }
}
