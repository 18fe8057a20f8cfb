package io.strait.ingest.validate;

import io.strait.ingest.load.LoadedResource;

/** Field-level rules of one kind, as Istio's validation enforces them; one implementation per kind. */
public interface ResourceValidator {
    /** Adds a finding for each rule the resource breaks. Never throws for any input. */
    void validate(LoadedResource resource, Findings findings);
}
