package io.strait.xds.ads;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a scope serves of one xDS type at one moment: resources by name, in the order the manifest lists them, and the
 * type's version (a hash of its name=hash pairs, identical on every front). Immutable; compared by version, so a
 * front that rebuilds a scope whose listeners did not change serves the same listeners at the same version.
 */
public final class TypeView {
    private final String typeUrl;
    private final String version;
    private final Map<String, ServedResource> byName;

    /** @param resources in order; copied */
    public TypeView(String typeUrl, String version, Iterable<ServedResource> resources) {
        this.typeUrl = typeUrl;
        this.version = version;
        Map<String, ServedResource> map = new LinkedHashMap<>();
        for (ServedResource r : resources) {
            map.put(r.name(), r);
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    public String typeUrl() {
        return typeUrl;
    }

    public String version() {
        return version;
    }

    /** Resources by name, in order. */
    public Map<String, ServedResource> resources() {
        return byName;
    }

    /** The content hash of {@code name}, or null when this view does not have it. */
    public String hashOf(String name) {
        ServedResource r = byName.get(name);
        return r == null ? null : r.hash();
    }

    /** Whether two views serve the same content (same version; both null counts as the same). */
    static boolean sameContent(TypeView a, TypeView b) {
        return a == b || (a != null && b != null && a.version.equals(b.version));
    }

    @Override
    public String toString() {
        return typeUrl.substring(typeUrl.lastIndexOf('.') + 1) + "@" + version + " (" + byName.size() + ")";
    }
}
