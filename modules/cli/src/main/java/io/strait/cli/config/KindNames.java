package io.strait.cli.config;

import io.strait.model.istio.Kind;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The names a person types for a kind, as kubectl takes them for Istio's CRDs: the kind in any case
 * ({@code VirtualService}, {@code virtualservice}), its plural ({@code virtualservices}) and the CRDs' short names
 * ({@code vs}, {@code dr}, {@code se}, {@code gw}, {@code we}, {@code wg}, {@code pa}, {@code ap}, {@code ra}).
 */
public final class KindNames {
    private static final Map<String, Kind> SHORT = Map.of(
            "vs", Kind.VIRTUAL_SERVICE, "dr", Kind.DESTINATION_RULE, "se", Kind.SERVICE_ENTRY, "gw", Kind.GATEWAY,
            "we", Kind.WORKLOAD_ENTRY, "wg", Kind.WORKLOAD_GROUP, "pa", Kind.PEER_AUTHENTICATION,
            "ap", Kind.AUTHORIZATION_POLICY, "ra", Kind.REQUEST_AUTHENTICATION);

    private KindNames() {
    }

    /** The kind {@code typed} names, if any. */
    public static Optional<Kind> find(String typed) {
        String t = typed.trim().toLowerCase(Locale.ROOT);
        Kind shortName = SHORT.get(t);
        if (shortName != null) {
            return Optional.of(shortName);
        }
        for (Kind k : Kind.values()) {
            if (k == Kind.MESH_CONFIG) {
                continue; // not a resource anyone applies, gets or deletes by name: it is the mesh.yaml of a folder
            }
            String name = k.kindName().toLowerCase(Locale.ROOT);
            if (t.equals(name) || t.equals(plural(name))) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The kind {@code typed} names, or an error that lists what is accepted. */
    public static Kind parse(String typed) {
        return find(typed).orElseThrow(() -> new IllegalArgumentException("unknown kind \"" + typed + "\"; use one of: "
                + String.join(", ", accepted())));
    }

    /** Every kind with its short name, for help and errors: {@code virtualservice (vs)}. */
    static Iterable<String> accepted() {
        Map<String, String> out = new TreeMap<>();
        for (Kind k : Kind.values()) {
            if (k != Kind.MESH_CONFIG) {
                out.put(k.kindName().toLowerCase(Locale.ROOT), k.kindName().toLowerCase(Locale.ROOT));
            }
        }
        SHORT.forEach((s, k) -> out.computeIfPresent(k.kindName().toLowerCase(Locale.ROOT), (n, v) -> n + " (" + s + ")"));
        return out.values();
    }

    private static String plural(String name) {
        if (name.endsWith("y") && "aeiou".indexOf(name.charAt(name.length() - 2)) < 0) {
            return name.substring(0, name.length() - 1) + "ies"; // authorizationpolicy → authorizationpolicies, gateway → gateways
        }
        return name.endsWith("s") ? name + "es" : name + "s";
    }
}
