package io.strait.ingest.validate;

import io.strait.ingest.load.LoadedResource;
import io.strait.model.finding.Finding;
import io.strait.model.mesh.MeshModel;
import java.util.ArrayList;
import java.util.List;

/** Runs every field validator and the cross-resource analysis over one revision's resources. */
public final class RevisionValidator {
    private final DocumentValidator documents = new DocumentValidator();
    private final ReferenceAnalyzer references = new ReferenceAnalyzer();

    /** Findings of all rules; the model is built from the same resources. */
    public List<Finding> validate(List<LoadedResource> resources) {
        Findings findings = new Findings();
        for (LoadedResource r : resources) {
            documents.validate(r, findings);
        }
        MeshModel model = MeshModel.of(resources.stream().map(LoadedResource::resource).toList());
        references.analyze(resources, model, findings);
        return new ArrayList<>(findings.all());
    }
}
