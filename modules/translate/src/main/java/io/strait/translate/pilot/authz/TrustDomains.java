package io.strait.translate.pilot.authz;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The mesh's trust domain and its {@code trustDomainAliases}, which widen the principals of a policy as Istio's
 * trust domain bundle does: a principal {@code <td>/ns/<ns>/sa/<sa>} of the mesh's trust domain, an alias, or
 * {@code cluster.local} (the default, so policies written before a trust domain migration keep working) stands for
 * the same identity in every one of them. Principals of other trust domains, or not in that shape, stay as written.
 */
record TrustDomains(List<String> all) {
    private static final String CLUSTER_LOCAL = "cluster.local";

    static TrustDomains of(String trustDomain, List<String> aliases) {
        List<String> all = new ArrayList<>();
        all.add(trustDomain);
        all.addAll(aliases);
        return new TrustDomains(List.copyOf(all));
    }

    /** {@code source.principal} values with their aliases. */
    List<String> principals(List<String> principals) {
        List<String> out = new ArrayList<>();
        for (String p : principals) {
            String[] parts = p.split("/", -1);
            if (parts.length != 5 || parts[0].equals("*")) {
                out.add(p); // not an identity a trust domain is enforced on
                continue;
            }
            String td = parts[0];
            if (!matchesAny(td) && !td.equals(CLUSTER_LOCAL)) {
                out.add(p);
                continue;
            }
            LinkedHashSet<String> forAliases = new LinkedHashSet<>();
            for (String alias : all) {
                forAliases.add(suffixMatch(alias, td) ? p : alias + p.substring(td.length()));
            }
            out.addAll(forAliases);
        }
        return out;
    }

    /** {@code source.trustDomain} values: one of the mesh's trust domains stands for all of them. */
    List<String> trustDomains(List<String> values) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String v : values) {
            if (all.contains(v)) {
                out.addAll(all);
            } else {
                out.add(v);
            }
        }
        return List.copyOf(out);
    }

    /** Whether the principal's trust domain is one of the mesh's, either side possibly a {@code *} prefix or suffix pattern. */
    private boolean matchesAny(String td) {
        for (String s : all) {
            if (td.equals(s) || s.equals("*") || prefixMatch(td, s) || prefixMatch(s, td) || suffixMatch(td, s)
                    || suffixMatch(s, td)) {
                return true;
            }
        }
        return false;
    }

    private static boolean prefixMatch(String a, String pattern) {
        return pattern.endsWith("*") && a.startsWith(pattern.substring(0, pattern.length() - 1));
    }

    /** Istio's match of a trust domain against the principal's: exact, or a {@code *} prefix as a suffix match. */
    private static boolean suffixMatch(String a, String pattern) {
        // an exact match replaces the trust domain by itself: the same principal either way
        return pattern.startsWith("*") ? a.endsWith(pattern.substring(1)) : a.equals(pattern);
    }
}
