package io.strait.model.schema;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The type of one field of the schema, with its constraints. Parsed from the compact notation of
 * {@code istio-schema.yaml}: {@code string}, {@code [T]}, {@code {T}}, {@code enum(A|B)}, a type name, {@code any}.
 */
sealed interface FieldType {

    /** A scalar: string, bool, the integer kinds, double, duration. */
    record Scalar(String name) implements FieldType {
    }

    /** A list of {@code element}. */
    record ListOf(Field element) implements FieldType {
    }

    /** A map from string keys to {@code value}. */
    record MapOf(Field value) implements FieldType {
    }

    /** One of a fixed set of strings. */
    record Enum(List<String> values) implements FieldType {
    }

    /** An object of a named type of the schema. */
    record Ref(String typeName) implements FieldType {
    }

    /** Free-form content (protobuf Struct / Any), not checked. */
    record Any() implements FieldType {
    }

    /**
     * A field: its type and constraints.
     *
     * @param type          the type
     * @param required      must be present and not empty
     * @param minLength     strings: minimum length, or -1
     * @param pattern       strings: must match, or null
     * @param min           numbers: inclusive minimum, or null
     * @param max           numbers: inclusive maximum, or null
     * @param minProperties maps: minimum entries, or -1
     * @param message       the message to use instead of the generic range message, or null
     */
    record Field(FieldType type, boolean required, int minLength, Pattern pattern, Double min, Double max,
                 int minProperties, String message) {
        static Field of(FieldType type, boolean required) {
            return new Field(type, required, -1, null, null, null, -1, null);
        }
    }
}
