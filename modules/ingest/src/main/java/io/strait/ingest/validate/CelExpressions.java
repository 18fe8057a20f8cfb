package io.strait.ingest.validate;

import dev.cel.common.CelValidationResult;
import dev.cel.parser.CelParser;
import dev.cel.parser.CelParserFactory;

/**
 * Whether a text parses as a CEL expression, as Istio's {@code validateTelemetryFilter} asks of an access-log
 * filter ({@code cel.NewEnv().Parse}: syntax only, no type check, so unknown variables are fine). The parser is
 * cel-java's standard one; its error text (position and a caret under the input) stands where cel-go's would.
 */
final class CelExpressions {
    /** Built on first use: a Telemetry without an access-log filter never loads the parser. */
    private static final class Holder {
        static final CelParser PARSER = CelParserFactory.standardCelParserBuilder().build();
    }

    private CelExpressions() {
    }

    /** The parser's errors for {@code expression}, or null when it parses. */
    static String parseError(String expression) {
        try {
            CelValidationResult result = Holder.PARSER.parse(expression);
            return result.hasError() ? result.getErrorString() : null;
        } catch (RuntimeException e) {
            return e.getMessage(); // the parser throws on nothing Istio's accepts; an odd input is still a finding
        }
    }
}
