package io.strait.bus.envelope;

import io.strait.model.istio.ResourceKey;

/**
 * The key of a resource record on {@code strait.config.v1}: {@code Kind/namespace/name@source}. The source is part
 * of the key, not only of the value, for two reasons: a tombstone has no value, so without it a reader could not
 * tell whose delete it is; and the topic is compacted, so two sources sharing a key would compact each other's
 * copies away (one source's tombstone would erase the other's resource for every reader that starts later).
 * The resource part comes first and ends at the first {@code @}: Kubernetes names and kinds never hold one, a
 * source name (a git URL with {@code @branch}) may.
 *
 * @param resource the resource's identity
 * @param source   the config source that publishes it
 */
public record ConfigKey(ResourceKey resource, String source) {

    public ConfigKey {
        if (source == null || source.isEmpty()) {
            throw new IllegalArgumentException("a config key needs a source");
        }
    }

    /** Reads a record key; a marker key ({@link RevisionMarker#KEY_PREFIX}) is not one. */
    public static ConfigKey parse(String key) {
        int at = key.indexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("config key without a source (Kind/namespace/name@source): " + key);
        }
        return new ConfigKey(ResourceKey.parse(key.substring(0, at)), key.substring(at + 1));
    }

    @Override
    public String toString() {
        return resource + "@" + source;
    }
}
