package io.strait.ingest.validate;

/**
 * The grammar of Envoy's custom header values, which Istio checks before Envoy would refuse the route: literal text,
 * {@code %%} for a percent sign, and {@code %VAR%} or {@code %VAR(args)%} where args are a bare word or a JSON
 * array of strings. Only the shape is checked; which variables Envoy knows is not.
 */
final class HeaderValueFormat {
    private enum State { LITERAL, NAME, ARRAY_START, STRING_START, STRING, DELIMITER, ARGS_END, VARIABLE_END }

    private HeaderValueFormat() {
    }

    /** Istio's message for a value Envoy cannot parse, or null. */
    static String error(String value) {
        State state = State.LITERAL;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean more = i + 1 < value.length();
            switch (state) {
                case LITERAL -> {
                    if (c == '%') {
                        if (!more) {
                            return "invalid header configuration. Un-escaped %";
                        }
                        if (value.charAt(i + 1) == '%') {
                            i++; // an escaped percent sign
                        } else {
                            state = State.NAME;
                        }
                    }
                }
                case NAME -> {
                    if (c == '%') {
                        state = State.LITERAL;
                    } else if (c == '(') {
                        state = State.ARRAY_START;
                    }
                }
                case ARRAY_START -> {
                    if (c == '[') {
                        state = State.STRING_START;
                    } else if (c != ' ') {
                        state = State.STRING; // a bare argument
                    }
                }
                case DELIMITER -> {
                    if (c == ',') {
                        state = State.STRING_START;
                    } else if (c == ']') {
                        state = State.ARGS_END;
                    } else if (c != ' ') {
                        return "invalid header configuration. Expecting ',', ']', or whitespace";
                    }
                }
                case STRING_START -> {
                    if (c == '"') {
                        state = State.STRING;
                    } else if (c != ' ') {
                        return "invalid header configuration. Expecting '\"'";
                    }
                }
                case STRING -> {
                    if (c == '\\') {
                        if (!more) {
                            return "invalid header configuration. Un-terminated backslash in JSON string";
                        }
                        i++;
                    } else if (c == ')') {
                        state = State.VARIABLE_END;
                    } else if (c == '"') {
                        state = State.DELIMITER;
                    }
                }
                case ARGS_END -> {
                    if (c == ')') {
                        state = State.VARIABLE_END;
                    } else if (c != ' ') {
                        return "invalid header configuration. Expecting ')' or whitespace after '{}', but found '{}'";
                    }
                }
                case VARIABLE_END -> {
                    if (c == '%') {
                        state = State.LITERAL;
                    } else if (c != ' ') {
                        return "invalid header configuration. Expecting '%' or whitespace after";
                    }
                }
            }
        }
        return state == State.LITERAL ? null
                : "invalid header configuration. Un-terminated variable expression '" + value + "'";
    }
}
