package io.strait.bus.envelope;

import io.strait.model.json.Json;
import java.util.Arrays;
import java.util.List;

/**
 * A bundle on {@code strait.xds.resources.v1}: a list a manifest would otherwise carry inline (the named hashes of one
 * xDS type, or the clusters it is served by name), stored once under its own content hash. Scopes that see the same
 * services share their bundles, so a change that reaches every scope writes the changed bundle once and a small
 * manifest per scope, not every scope's full list.
 *
 * <p>On the topic a bundle's value starts with the byte {@value #FORMAT}, an Envoy resource's with 1.
 *
 * @param entries named hashes of one xDS type (empty for a bundle of names)
 * @param names   cluster names served by name (empty for a bundle of named hashes)
 */
public record ResourceBundle(List<ScopeManifest.NamedHash> entries, List<String> names) {
    public static final byte FORMAT = 2;

    public ResourceBundle {
        entries = entries == null ? List.of() : entries;
        names = names == null ? List.of() : names;
    }

    public static boolean isBundle(byte[] value) {
        return value.length > 0 && value[0] == FORMAT;
    }

    public byte[] encode() {
        byte[] json = Json.write(this);
        byte[] out = new byte[json.length + 1];
        out[0] = FORMAT;
        System.arraycopy(json, 0, out, 1, json.length);
        return out;
    }

    public static ResourceBundle decode(byte[] value) {
        if (!isBundle(value)) {
            throw new IllegalArgumentException("not a resource bundle");
        }
        return Json.read(Arrays.copyOfRange(value, 1, value.length), ResourceBundle.class);
    }
}
