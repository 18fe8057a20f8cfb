package io.strait.model.istio;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The spec of a kind that Strait validates and publishes but does not translate yet, kept as the validated
 * tree, so it reaches the bus intact for the translators and analyzers that will read it.
 */
public record GenericSpec(@JsonValue JsonNode tree) implements Spec {
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public GenericSpec {
    }
}
