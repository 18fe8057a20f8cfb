package io.strait.translate.pilot.authz;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.type.matcher.v3.ListMatcher;
import io.envoyproxy.envoy.type.matcher.v3.MetadataMatcher;
import io.envoyproxy.envoy.type.matcher.v3.OrMatcher;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.matcher.v3.ValueMatcher;
import java.util.List;

/**
 * The string, header, path and metadata matchers of AuthorizationPolicy values, written as Istio's authz matcher
 * package writes them, so the RBAC filters compare equal to Istio's: {@code *} alone is "present" (or regex
 * {@code .+}), a leading {@code *} a suffix, a trailing one a prefix, anything else exact.
 */
final class Matchers {
    /** JWT claims as the jwt_authn filter leaves them in dynamic metadata. */
    static final String JWT_FILTER = "envoy.filters.http.jwt_authn";
    static final String JWT_PAYLOAD = "payload";

    private Matchers() {
    }

    static StringMatcher string(String v) {
        return withPrefix(v, "");
    }

    /**
     * A value matched after {@code prefix} (e.g. {@code spiffe://}): a suffix wildcard with a prefix can only be a
     * regex, since Envoy has no prefix-and-suffix matcher.
     */
    static StringMatcher withPrefix(String v, String prefix) {
        if (v.equals("*")) {
            return regex(".+");
        }
        if (v.startsWith("*")) {
            return prefix.isEmpty() ? suffix(v.substring(1), false) : regex(prefix + ".*" + quoteMeta(v.substring(1)));
        }
        if (v.endsWith("*")) {
            return prefix(prefix + v.substring(0, v.length() - 1), false);
        }
        return exact(prefix + v, false);
    }

    static StringMatcher regex(String regex) {
        return StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(regex)).build();
    }

    static StringMatcher prefix(String p, boolean ignoreCase) {
        return StringMatcher.newBuilder().setPrefix(p).setIgnoreCase(ignoreCase).build();
    }

    static StringMatcher suffix(String s, boolean ignoreCase) {
        return StringMatcher.newBuilder().setSuffix(s).setIgnoreCase(ignoreCase).build();
    }

    static StringMatcher exact(String e, boolean ignoreCase) {
        return StringMatcher.newBuilder().setExact(e).setIgnoreCase(ignoreCase).build();
    }

    /** A header value; host names ({@code :authority}) compare without case, as DNS does. */
    static HeaderMatcher header(String name, String v, boolean ignoreCase) {
        HeaderMatcher.Builder h = HeaderMatcher.newBuilder().setName(name);
        if (v.equals("*")) {
            return h.setPresentMatch(true).build();
        }
        if (v.startsWith("*")) {
            return h.setStringMatch(suffix(v.substring(1), ignoreCase)).build();
        }
        if (v.endsWith("*")) {
            return h.setStringMatch(prefix(v.substring(0, v.length() - 1), ignoreCase)).build();
        }
        return h.setStringMatch(exact(v, ignoreCase)).build();
    }

    static PathMatcher path(String v) {
        return PathMatcher.newBuilder().setPath(string(v)).build();
    }

    static ValueMatcher value(StringMatcher m) {
        return ValueMatcher.newBuilder().setStringMatch(m).build();
    }

    /** Any of several values; one value is itself, not a one-element OR. */
    static ValueMatcher or(List<ValueMatcher> matchers) {
        return matchers.size() == 1 ? matchers.get(0)
                : ValueMatcher.newBuilder().setOrMatch(OrMatcher.newBuilder().addAllValueMatchers(matchers)).build();
    }

    static ValueMatcher anyString(List<String> values) {
        return or(values.stream().map(v -> value(string(v))).toList());
    }

    /** Metadata of {@code filter} under one key. */
    static MetadataMatcher metadata(String filter, String key, ValueMatcher value) {
        return MetadataMatcher.newBuilder().setFilter(filter)
                .addPath(MetadataMatcher.PathSegment.newBuilder().setKey(key)).setValue(value).build();
    }

    /**
     * Metadata under a key path that may hold one value or a list: with {@code eitherForm} (JWT claims, which are
     * strings or lists) the value or a list containing it; otherwise a list containing it.
     */
    static MetadataMatcher metadataList(String filter, List<String> keys, ValueMatcher value, boolean eitherForm) {
        MetadataMatcher.Builder m = MetadataMatcher.newBuilder().setFilter(filter);
        keys.forEach(k -> m.addPath(MetadataMatcher.PathSegment.newBuilder().setKey(k)));
        ValueMatcher list = ValueMatcher.newBuilder().setListMatch(ListMatcher.newBuilder().setOneOf(value)).build();
        return m.setValue(eitherForm ? ValueMatcher.newBuilder().setOrMatch(OrMatcher.newBuilder()
                .addValueMatchers(list).addValueMatchers(value)).build() : list).build();
    }

    /** One JWT claim as a plain string ({@code iss}, {@code sub}). */
    static MetadataMatcher jwtClaim(String claim, StringMatcher m) {
        return MetadataMatcher.newBuilder().setFilter(JWT_FILTER)
                .addPath(MetadataMatcher.PathSegment.newBuilder().setKey(JWT_PAYLOAD))
                .addPath(MetadataMatcher.PathSegment.newBuilder().setKey(claim)).setValue(value(m)).build();
    }

    /** A (nested) JWT claim that may be a string or a list of strings. */
    static MetadataMatcher jwtClaims(List<String> claims, ValueMatcher value) {
        List<String> keys = new java.util.ArrayList<>(claims.size() + 1);
        keys.add(JWT_PAYLOAD);
        keys.addAll(claims);
        return metadataList(JWT_FILTER, keys, value, true);
    }

    /**
     * Go's {@code regexp.QuoteMeta}: a backslash before each of {@code \.+*?()|[]{}^$}. Istio's regexes are built
     * with it, and Envoy's RE2 reads {@code \Q…\E} too, but the filters must equal Istio's byte for byte.
     */
    static String quoteMeta(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
