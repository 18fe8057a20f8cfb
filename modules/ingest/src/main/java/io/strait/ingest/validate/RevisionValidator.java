package io.strait.ingest.validate;

import io.strait.ingest.analyze.AnalysisInput;
import io.strait.ingest.analyze.Analyzers;
import io.strait.ingest.analyze.RegistryLevels;
import io.strait.ingest.load.LoadResult;
import io.strait.ingest.load.LoadedResource;
import io.strait.model.finding.Finding;
import io.strait.model.mesh.MeshModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.function.Supplier;
import java.util.List;

/**
 * Everything ingest checks before a revision may be published: the field rules of each resource, Istio's
 * analyzers over all documents together (Kubernetes objects in the source are the registry), and what the
 * translator needs on top.
 */
public final class RevisionValidator {
    private final DocumentValidator documents = new DocumentValidator();
    private final ReferenceAnalyzer references = new ReferenceAnalyzer();
    /** The hosts the clusters' registries publish now (none without a Kubernetes source anywhere). */
    private final Supplier<? extends Collection<AnalysisInput.ClusterHost>> clusterHosts;

    /** Files alone: every host a revision routes to is declared in it. */
    public RevisionValidator() {
        this(List::of);
    }

    /** @param clusterHosts the registry's hosts at the moment of each validation ({@code strait.endpoints.v1}) */
    public RevisionValidator(Supplier<? extends Collection<AnalysisInput.ClusterHost>> clusterHosts) {
        this.clusterHosts = clusterHosts;
    }

    /** Findings of all rules, each at its own level: any ERROR rejects the revision. */
    public List<Finding> validate(LoadResult loaded) {
        Findings findings = new Findings();
        for (LoadedResource r : loaded.resources()) {
            documents.validate(r, findings);
        }
        AnalysisInput input = new AnalysisInput(loaded.documents(), loaded.meshConfig()).withClusterHosts(clusterHosts.get());
        MeshModel model = MeshModel.of(loaded.resources().stream().map(LoadedResource::resource).toList());
        references.analyze(loaded.resources(), model, input, findings);
        List<Finding> out = new ArrayList<>(findings.all());
        // a source rarely holds the pods, Services and Secrets it configures: what depends on them informs, never rejects
        out.addAll(Analyzers.run(input, Analyzers.defaults(), RegistryLevels.ADVISORY));
        return out;
    }
}
