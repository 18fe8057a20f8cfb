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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything ingest checks before a revision may be published: the field rules of each resource, Istio's
 * analyzers over all documents together (Kubernetes objects in the source are the registry), and what the
 * translator needs on top.
 */
public final class RevisionValidator {
    private final DocumentValidator documents = new DocumentValidator();
    private final ReferenceAnalyzer references = new ReferenceAnalyzer();
    /** The last revision's documents and their own findings, by identity ({@link #validate}). */
    private volatile Map<LoadedResource, List<Finding>> lastDocuments = new IdentityHashMap<>();
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
        // a document's own rules depend on it alone, and an unchanged file's documents are the instances its parse
        // cache returns: only the changed files' documents are checked again (row D: 1 of 3,000 per revision)
        Map<LoadedResource, List<Finding>> before = lastDocuments;
        Map<LoadedResource, List<Finding>> now = new IdentityHashMap<>();
        for (LoadedResource r : loaded.resources()) {
            List<Finding> own = before.get(r);
            if (own == null) {
                Findings f = new Findings();
                documents.validate(r, f);
                own = f.all();
            }
            now.put(r, own);
            findings.addAll(own);
        }
        lastDocuments = now;
        AnalysisInput input = new AnalysisInput(loaded.documents(), loaded.meshConfig()).withClusterHosts(clusterHosts.get());
        MeshModel model = MeshModel.of(loaded.resources().stream().map(LoadedResource::resource).toList());
        references.analyze(loaded.resources(), model, input, findings);
        List<Finding> out = new ArrayList<>(findings.all());
        // a source rarely holds the pods, Services and Secrets it configures: what depends on them informs, never rejects
        out.addAll(Analyzers.run(input, Analyzers.defaults(), RegistryLevels.ADVISORY));
        return out;
    }
}
