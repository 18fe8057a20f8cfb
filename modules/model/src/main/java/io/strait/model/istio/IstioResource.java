package io.strait.model.istio;

/**
 * One Istio config object, normalized: the namespace is always set, and {@code spec} is the typed record
 * of {@code kind}.
 */
public record IstioResource(String apiVersion, Kind kind, ObjectMeta metadata, Spec spec) {

    public ResourceKey key() {
        return new ResourceKey(kind.kindName(), kind.isClusterScoped() ? "" : metadata.namespaceOrDefault(), metadata.name());
    }

    public String namespace() {
        return metadata.namespaceOrDefault();
    }

    public String name() {
        return metadata.name();
    }
}
