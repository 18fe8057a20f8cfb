package io.strait.model.finding;

/**
 * A problem found in config, located precisely enough for a user to act on it.
 *
 * @param level    ERROR rejects the revision; WARNING and INFO are reported only
 * @param code     an Istio-style message code ({@code IST0101}) or a Strait validation code
 * @param file     file relative to the source root, or null
 * @param line     1-based line, 0 when unknown
 * @param column   1-based column of the field (or document), 0 when unknown
 * @param resource {@code Kind namespace/name}, or null when the document has no identity yet
 * @param field    the field path ({@code spec.http[0].route[1].weight}), or null for the whole document
 * @param message  what is wrong and what to do
 */
public record Finding(Level level, String code, String file, int line, int column, String resource, String field,
                      String message) {

    @com.fasterxml.jackson.annotation.JsonCreator
    public Finding {
    }

    /** A finding whose column is not known (a whole file, a syntax error without a mark). */
    public Finding(Level level, String code, String file, int line, String resource, String field, String message) {
        this(level, code, file, line, 0, resource, field, message);
    }

    /** Severity, as istioctl analyze names them. */
    public enum Level { ERROR, WARNING, INFO }

    /** {@code file:line: Kind ns/name: field: message}, the one-line form the CLI and logs print. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (file != null) {
            sb.append(file).append(':').append(line).append(": ");
        }
        if (level != Level.ERROR) {
            sb.append(level.name().toLowerCase()).append(": ");
        }
        if (resource != null) {
            sb.append(resource).append(": ");
        }
        if (field != null && !field.isEmpty()) {
            sb.append(field).append(": ");
        }
        return sb.append(message).toString();
    }

    public boolean isError() {
        return level == Level.ERROR;
    }
}
