package io.strait.model.istio;

/** The identity of a config resource; its string form {@code Kind/namespace/name} is the config topic key. */
public record ResourceKey(String kind, String namespace, String name) implements Comparable<ResourceKey> {

    public static ResourceKey parse(String s) {
        String[] parts = s.split("/", 3);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a resource key (Kind/namespace/name): " + s);
        }
        return new ResourceKey(parts[0], parts[1], parts[2]);
    }

    @Override
    public String toString() {
        return kind + "/" + namespace + "/" + name;
    }

    @Override
    public int compareTo(ResourceKey o) {
        return toString().compareTo(o.toString());
    }
}
