package io.strait.model.schema;

/**
 * A schema violation: the field path ({@code spec.http[0].timeout}) and the API server's wording of the problem.
 *
 * @param path    field path from the document root
 * @param message the problem, starting with the path as Kubernetes words it
 */
public record SchemaError(String path, String message) {
}
