package io.strait.ingest.load;

import io.strait.model.istio.IstioResource;
import io.strait.model.yaml.YamlDocument;

/** A bound resource and the document it came from, kept so later findings can name a field's line. */
public record LoadedResource(IstioResource resource, YamlDocument document) {
    /** {@code Kind namespace/name}, as findings name resources. */
    public String displayName() {
        return resource.kind().isClusterScoped() ? resource.kind().kindName() + " " + resource.name()
                : resource.kind().kindName() + " " + resource.namespace() + "/" + resource.name();
    }
}
