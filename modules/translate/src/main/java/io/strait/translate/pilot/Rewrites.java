package io.strait.translate.pilot;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.strait.model.istio.VirtualService.HttpRewrite;
import io.strait.model.istio.VirtualService.HttpRoute;

/**
 * {@code rewrite}: {@code uri} replaces the part of the path the route's match selected (Envoy's prefix rewrite),
 * {@code uriRegexRewrite} substitutes within the path, {@code authority} rewrites the host. Proxyless gRPC ignores
 * rewrites (a gRPC method's path is its identity); Envoy sidecars and gateways apply them.
 */
final class Rewrites implements RouteFeature {
    @Override
    public void apply(HttpRoute istio, RouteContext ctx, Route.Builder envoy) {
        HttpRewrite rewrite = istio.rewrite();
        if (rewrite == null || !envoy.hasRoute()) {
            return;
        }
        var action = envoy.getRouteBuilder();
        if (rewrite.uri() != null && !rewrite.uri().isEmpty()) {
            action.setPrefixRewrite(rewrite.uri());
        } else if (rewrite.uriRegexRewrite() != null && rewrite.uriRegexRewrite().match() != null) {
            action.setRegexRewrite(RegexMatchAndSubstitute.newBuilder()
                    .setPattern(RegexMatcher.newBuilder().setRegex(rewrite.uriRegexRewrite().match()))
                    .setSubstitution(rewrite.uriRegexRewrite().rewrite() == null ? "" : rewrite.uriRegexRewrite().rewrite()));
        }
        if (rewrite.authority() != null && !rewrite.authority().isEmpty()) {
            action.setHostRewriteLiteral(rewrite.authority());
        }
    }
}
