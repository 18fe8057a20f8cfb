package io.strait.xds.ads;

import io.strait.bus.envelope.ScopeManifest;
import io.strait.bus.wire.XdsType;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a front serves one scope at one generation: per type (CDS, EDS, LDS, RDS) a {@link TypeView}, and the manifest
 * it was built from (its revisions say which config revision a proxy that took it is on). Immutable, and shared by every
 * stream of the scope: a stream keeps a reference to the view it was last sent, never a copy.
 *
 * @param manifest the manifest as served (assignments filled in)
 * @param types    one view per type, every type present
 */
public record ScopeView(ScopeManifest manifest, Map<XdsType, TypeView> types) {

    public ScopeView {
        EnumMap<XdsType, TypeView> copy = new EnumMap<>(XdsType.class);
        copy.putAll(types);
        for (XdsType t : XdsType.values()) {
            if (!copy.containsKey(t)) {
                copy.put(t, new TypeView(t.typeUrl(), "", java.util.List.of()));
            }
        }
        types = java.util.Collections.unmodifiableMap(copy);
    }

    public String scope() {
        return manifest.scope();
    }

    public TypeView type(XdsType type) {
        return types.get(type);
    }
}
