package io.strait.translate.grpc;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.strait.model.istio.StringMatch;
import io.strait.model.istio.VirtualService.HttpMatchRequest;
import java.util.Map;
import java.util.TreeMap;

/** Istio HTTP match conditions (uri and headers) as Envoy route matches. */
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
        if (match != null) {
            // sorted so that the same match always serializes the same way
            for (Map.Entry<String, StringMatch> h : new TreeMap<>(match.headers()).entrySet()) {
                b.addHeaders(HeaderMatcher.newBuilder().setName(h.getKey()).setStringMatch(stringMatcher(h.getValue())));
            }
        }
        return b.build();
    }

    private static StringMatcher stringMatcher(StringMatch m) {
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
