package io.strait.translate.pilot;

import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.strait.model.istio.StringMatch;
import io.strait.model.istio.VirtualService.HttpMatchRequest;
import java.util.Map;
import java.util.TreeMap;

/**
 * Istio HTTP match conditions on the request as Envoy route matches: uri (with {@code ignoreUriCase}), scheme,
 * method and authority (as their pseudo-headers), headers, withoutHeaders (inverted), queryParams. The conditions
 * on the proxy rather than the request ({@code gateways}, {@code port}, {@code sourceLabels},
 * {@code sourceNamespace}) are decided at translation time by {@link RouteContext}.
 */
final class RouteMatches {
    private RouteMatches() {
    }

    /** The Envoy match for one Istio match block; null means "match everything". */
    static RouteMatch of(HttpMatchRequest match) {
        RouteMatch.Builder b = RouteMatch.newBuilder();
        StringMatch uri = match == null ? null : match.uri();
        if (uri == null || uri.prefix() != null) {
            b.setPrefix(uri == null ? "/" : uri.prefix());
        } else if (uri.exact() != null) {
            b.setPath(uri.exact());
        } else {
            b.setSafeRegex(RegexMatcher.newBuilder().setRegex(uri.regex()));
        }
        if (match == null) {
            return b.build();
        }
        if (Boolean.TRUE.equals(match.ignoreUriCase())) {
            b.setCaseSensitive(BoolValue.of(false));
        }
        pseudoHeader(b, ":scheme", match.scheme());
        pseudoHeader(b, ":method", match.method());
        pseudoHeader(b, ":authority", match.authority());
        // sorted so that the same match always serializes the same way
        for (Map.Entry<String, StringMatch> h : new TreeMap<>(match.headers()).entrySet()) {
            b.addHeaders(header(h.getKey(), h.getValue()));
        }
        for (Map.Entry<String, StringMatch> h : new TreeMap<>(match.withoutHeaders()).entrySet()) {
            b.addHeaders(header(h.getKey(), h.getValue()).toBuilder().setInvertMatch(true));
        }
        for (Map.Entry<String, StringMatch> q : new TreeMap<>(match.queryParams()).entrySet()) {
            QueryParameterMatcher.Builder p = QueryParameterMatcher.newBuilder().setName(q.getKey());
            if (q.getValue() == null || q.getValue().alternativesSet() == 0) {
                p.setPresentMatch(true);
            } else {
                p.setStringMatch(stringMatcher(q.getValue()));
            }
            b.addQueryParameters(p);
        }
        return b.build();
    }

    private static void pseudoHeader(RouteMatch.Builder b, String name, StringMatch m) {
        if (m != null && m.alternativesSet() > 0) {
            b.addHeaders(header(name, m));
        }
    }

    /** A header condition; an empty match ({@code {}}) asks only that the header is present, as in Istio. */
    private static HeaderMatcher header(String name, StringMatch m) {
        HeaderMatcher.Builder h = HeaderMatcher.newBuilder().setName(name);
        if (m == null || m.alternativesSet() == 0) {
            return h.setPresentMatch(true).build();
        }
        return h.setStringMatch(stringMatcher(m)).build();
    }

    /** An Istio string match as Envoy's: exactly one of exact, prefix, RE2 regex. */
    static StringMatcher stringMatcher(StringMatch m) {
        StringMatcher.Builder b = StringMatcher.newBuilder();
        if (m.exact() != null) {
            b.setExact(m.exact());
        } else if (m.prefix() != null) {
            b.setPrefix(m.prefix());
        } else {
            b.setSafeRegex(RegexMatcher.newBuilder().setRegex(m.regex()));
        }
        return b.build();
    }
}
